import {
  ATTR_OUTBOX_DROPPED_BATCHES,
  ATTR_OUTBOX_DROPPED_SPANS,
  SPAN_OUTBOX_OVERFLOW,
} from '../semconv';
import { randomHex } from '../session/sampling';
import {
  backoffDelay,
  batchId,
  gzip,
  isRetryable,
  postWithTimeout,
  retryAfterMs,
} from '../transport/delivery';
import { RELAY_PROTOCOL, type RelayBatch, type RelayReply, type RelayRequest } from './protocol';

/**
 * The relay service worker: pages hand it their OTLP batches; it stores them in IndexedDB, sends
 * them, reads the collector's answer and retries (exponential backoff with jitter, honouring
 * `Retry-After`) — after the page that created them has closed. Delivered ids stay in a ledger for
 * a day, so a page that never heard back can ask whether its batch got here.
 */
const DB_NAME = 'otel-rum-relay';
const BATCHES = 'batches';
const LEDGER_MS = 24 * 3_600_000;
/**
 * Browsers stop a worker whose event runs for ~5 minutes. Each event keeps the worker alive for at
 * most this long; sending stops at the last event's limit, and the next event resumes it.
 */
const RUN_MS = 4 * 60_000;
let deadline = 0;
const PARALLEL = 4;

interface Stored extends RelayBatch {
  /** `done`: delivered, refused for good, or dropped by the bound (body emptied). */
  state: 'queued' | 'inflight' | 'done';
  at: number;
  /** How it ended: the collector's HTTP status, or 0 when the bound dropped it. */
  outcome?: number;
  /** The worker's own report of what its bound dropped (never dropped itself; merged instead). */
  overflow?: Dropped;
}

interface Dropped {
  spans: number;
  batches: number;
}

/** The few service worker types used here (the DOM lib has no ServiceWorkerGlobalScope). */
interface ExtendableMessageEvent extends MessageEvent<unknown> {
  waitUntil(promise: Promise<unknown>): void;
}
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
  addEventListener(
    type: 'install' | 'activate',
    listener: (event: ExtendableMessageEvent) => void,
  ): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}

let database: Promise<IDBDatabase> | undefined;
const open = (): Promise<IDBDatabase> =>
  (database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(BATCHES, { keyPath: 'id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      database = undefined;
      reject(request.error);
    };
  }));

/**
 * Reads every batch and changes some in one read-write transaction: IndexedDB runs overlapping
 * read-write transactions one after the other, so no other change interleaves (a batch being
 * claimed for sending cannot be dropped by the bound at the same time, and the reverse).
 */
async function atomically<T>(change: (store: IDBObjectStore, batches: Stored[]) => T): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(BATCHES, 'readwrite');
    const store = tx.objectStore(BATCHES);
    let result: T;
    const read = store.getAll();
    read.onsuccess = () => (result = change(store, read.result as Stored[]));
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

let backoffUntil = 0;
let attempt = 0;
let running: Promise<void> | undefined;
/** Batches in flight when a previous instance of the worker was stopped are queued again once. */
let recovered = false;

/** Several waiting batches for one collector go as one request, up to this many characters. */
const MERGE_CHARS = 60_000;

/** One OTLP request carrying every batch of the group (their resourceSpans, concatenated). */
function merge(group: Stored[]): string {
  if (group.length === 1) return group[0]!.body;
  const resourceSpans = group.flatMap(
    (b) => (JSON.parse(b.body) as { resourceSpans?: unknown[] }).resourceSpans ?? [],
  );
  return JSON.stringify({ resourceSpans });
}

async function send(group: Stored[]): Promise<void> {
  const [first] = group as [Stored];
  let status = 0;
  let retryAfter: string | null = null;
  try {
    const body = merge(group);
    const compressed = await gzip(body);
    const response = await postWithTimeout(fetch, first.url, {
      body: (compressed ?? body) as BodyInit,
      credentials: 'omit',
      headers: {
        'Content-Type': 'application/json',
        ...(compressed ? { 'Content-Encoding': 'gzip' } : {}),
        ...first.headers,
      },
    });
    status = response.status;
    retryAfter = response.headers.get('Retry-After');
  } catch {
    // network error: status 0, retried
  }
  const retry = isRetryable(status);
  await atomically((store, batches) => {
    for (const batch of group) {
      // cleared (consent withdrawn) while it was in flight: leave nothing behind
      if (!batches.some((b) => b.id === batch.id)) continue;
      // accepted, or refused for good (400, 413): never sent again
      store.put(
        retry ? batch : { ...batch, body: '', state: 'done', at: Date.now(), outcome: status },
      );
    }
  });
  if (retry) {
    const delay = retryAfterMs(retryAfter, Date.now()) ?? backoffDelay(attempt);
    attempt = Math.min(attempt + 1, 10);
    backoffUntil = Math.max(backoffUntil, Date.now() + delay);
  } else if (status < 300) {
    attempt = backoffUntil = 0;
  }
}

/** Ids start with their creation time: sorted by id, the oldest batch comes first. */
const oldestFirst = (batches: Stored[]): Stored[] => batches.sort((a, b) => (a.id < b.id ? -1 : 1));

/** The oldest waiting batches for one collector, up to MERGE_CHARS together. */
function nextGroup(waiting: Stored[]): Stored[] {
  const [first] = waiting;
  if (!first) return [];
  const key = (b: Stored) => `${b.url} ${JSON.stringify(b.headers)}`;
  const group = [first];
  let size = first.body.length;
  for (const b of waiting.slice(1)) {
    if (key(b) !== key(first) || size + b.body.length > MERGE_CHARS) continue;
    group.push(b);
    size += b.body.length;
  }
  return group;
}

/**
 * Sends what is queued, oldest first, a few requests at a time (a stalled one does not hold up the
 * others), until nothing is left or the last event's time is up.
 */
async function run(): Promise<void> {
  const ledgerEnd = Date.now() - LEDGER_MS;
  await atomically((store, batches) => {
    for (const b of batches) {
      if (b.state === 'done' && b.at < ledgerEnd) store.delete(b.id);
      // in flight when an earlier instance of the worker was stopped: sent again
      else if (!recovered && b.state === 'inflight') store.put({ ...b, state: 'queued' });
    }
  });
  recovered = true;
  const inflight = new Set<Promise<void>>();
  for (;;) {
    const wait = Math.max(0, backoffUntil - Date.now());
    if (Date.now() + wait > deadline) break;
    if (inflight.size >= PARALLEL) {
      await Promise.race(inflight);
      continue;
    }
    if (wait) {
      await Promise.race([new Promise((r) => setTimeout(r, wait)), ...inflight]);
      continue;
    }
    // the oldest waiting batches, claimed for this request in the same transaction
    const group = await atomically((store, batches) => {
      const claimed = nextGroup(oldestFirst(batches.filter((b) => b.state === 'queued')));
      for (const b of claimed) store.put({ ...b, state: 'inflight' });
      return claimed;
    });
    if (!group.length) {
      if (!inflight.size) break;
      await Promise.race(inflight);
      continue;
    }
    const sending: Promise<void> = send(group).finally(() => inflight.delete(sending));
    inflight.add(sending);
  }
  await Promise.all(inflight);
}
/** Set when a batch arrives while a run may already have decided there is nothing left. */
let more = false;
const drain = (): Promise<void> => {
  more = true;
  return (running ??= (async () => {
    while (more) {
      more = false;
      await run().catch(() => undefined);
    }
  })().finally(() => (running = undefined)));
};

/**
 * Keeps what the store holds (waiting and in flight) within the page's outbox bound, in the same
 * transaction as the write that grew it: past the bound the oldest waiting batches go (kept in the
 * ledger, so no page resends them), the newest last, and the loss is reported by the worker itself
 * (the page that handed the last batch over may be gone) in one report that also carries any
 * earlier one still waiting. Room is kept for that report.
 */
function keepWithin(store: IDBObjectStore, batches: Stored[], maxChars: number): void {
  const held = batches.filter((b) => b.state !== 'done');
  const size = (list: Stored[]) => list.reduce((n, b) => n + b.body.length, 0);
  if (size(held) <= maxChars) return;
  const earlier = held.filter((b) => b.overflow && b.state === 'queued');
  const droppable = oldestFirst(held.filter((b) => b.state === 'queued' && !b.overflow));
  if (!droppable.length) return;
  // the earlier reports make way for one report whose counts will not outgrow this
  const room = overflowBatch(droppable[0]!, { spans: 1e12, batches: 1e12 }).body.length;
  let total = size(held) - size(earlier) + room;
  const dropped: Dropped = { spans: 0, batches: 0 };
  let like: Stored | undefined;
  for (const b of droppable) {
    if (total <= maxChars) break;
    total -= b.body.length;
    dropped.spans += b.spans;
    dropped.batches++;
    like = b;
    store.put({ ...b, body: '', state: 'done', at: Date.now(), outcome: 0 });
  }
  if (!like) return;
  for (const report of earlier) {
    dropped.spans += report.overflow!.spans;
    dropped.batches += report.overflow!.batches;
    store.delete(report.id);
  }
  store.put(overflowBatch(like, dropped));
}

/** A one-span OTLP batch reporting what the bound dropped, under the dropped batches' resource. */
function overflowBatch(like: Stored, dropped: Dropped): Stored {
  let resource: unknown;
  let scope: unknown;
  try {
    const first = (
      JSON.parse(like.body) as {
        resourceSpans?: { resource?: unknown; scopeSpans?: { scope?: unknown }[] }[];
      }
    ).resourceSpans?.[0];
    resource = first?.resource;
    scope = first?.scopeSpans?.[0]?.scope;
  } catch {
    // a body that does not parse still gets its loss reported, without a resource
  }
  const now = `${Date.now()}000000`;
  const span = {
    traceId: randomHex(16),
    spanId: randomHex(8),
    name: SPAN_OUTBOX_OVERFLOW,
    kind: 1,
    startTimeUnixNano: now,
    endTimeUnixNano: now,
    attributes: [
      { key: ATTR_OUTBOX_DROPPED_SPANS, value: { intValue: dropped.spans } },
      { key: ATTR_OUTBOX_DROPPED_BATCHES, value: { intValue: dropped.batches } },
    ],
  };
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: resource ?? {},
        scopeSpans: [{ scope: scope ?? { name: 'otel-rum' }, spans: [span] }],
      },
    ],
  });
  const { url, headers } = like;
  const at = Date.now();
  return { id: batchId(at), url, headers, body, spans: 1, state: 'queued', at, overflow: dropped };
}

async function handle(request: RelayRequest, reply: (r: RelayReply) => void): Promise<void> {
  switch (request.type) {
    case 'ping':
      reply({ ok: true });
      break;
    case 'online':
      attempt = backoffUntil = 0;
      break;
    case 'relay': {
      const { batch } = request;
      // Confirmed only once the write has committed: a failed one rejects (the page is answered
      // `ok: false` and keeps the batch). The same batch posted twice, even while the first write
      // is pending, is stored and sent once: read-write transactions run one after the other, so
      // the second one sees what the first committed (or, if that failed, writes the batch itself).
      await atomically((store, batches) => {
        if (batches.some((b) => b.id === batch.id)) return;
        const row: Stored = { ...batch, state: 'queued', at: Date.now() };
        store.put(row);
        keepWithin(store, [...batches, row], request.maxChars);
      });
      reply({ ok: true });
      break;
    }
    case 'status': {
      // only what is committed: a batch whose write is pending or failed is not known
      const stored = await atomically((_, batches) => new Set(batches.map((b) => b.id)));
      reply({ ok: true, known: request.ids.filter((id) => stored.has(id)) });
      break;
    }
    case 'clear':
      await atomically((store) => void store.clear());
      return;
  }
  await drain();
}

/** Installs the relay's listeners on the worker global (run once, when the script is evaluated). */
export function installRelay(scope: WorkerScope, options: { standalone?: boolean } = {}): void {
  scope.addEventListener('message', (event) => {
    const request = event.data as RelayRequest | undefined;
    if (!request || request.protocol !== RELAY_PROTOCOL) return;
    const port = event.ports[0];
    const reply = (r: RelayReply): void => port?.postMessage(r);
    deadline = Date.now() + RUN_MS;
    const limit = new Promise((resolve) => setTimeout(resolve, RUN_MS));
    event.waitUntil(
      Promise.race([handle(request, reply).catch(() => reply({ ok: false })), limit]),
    );
  });
  if (options.standalone) {
    // registered on its own (not imported into the app's worker): take over at once
    scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
    scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));
  }
}
