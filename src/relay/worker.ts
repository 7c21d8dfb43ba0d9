import { backoffDelay, gzip, isRetryable, retryAfterMs } from '../transport/delivery';
import { RELAY_PROTOCOL, type RelayBatch, type RelayReply, type RelayRequest } from './protocol';

/**
 * The relay service worker: pages hand it their OTLP batches; it stores them in IndexedDB, sends
 * them, reads the collector's answer and retries (exponential backoff with jitter, honouring
 * `Retry-After`) — after the page that created them has closed. Delivered ids stay in a ledger for
 * a day, so a page that never heard back can ask whether its batch got here.
 */
const DB_NAME = 'otel-rum-relay';
const BATCHES = 'batches';
const META = 'meta';
/** What the worker keeps waiting to be sent, in characters of OTLP JSON; oldest dropped first. */
export const RELAY_MAX_CHARS = 1_000_000;
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
      request.result.createObjectStore(META);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      database = undefined;
      reject(request.error);
    };
  }));

/** One IndexedDB transaction; resolves with the last request's result once it has committed. */
async function transact<T>(
  store: string,
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T> | void,
): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = work(tx.objectStore(store));
    tx.oncomplete = () => resolve(request?.result as T);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

const get = (id: string) => transact<Stored | undefined>(BATCHES, 'readonly', (s) => s.get(id));
const all = () => transact<Stored[]>(BATCHES, 'readonly', (s) => s.getAll());
const put = (batch: Stored) => transact(BATCHES, 'readwrite', (s) => void s.put(batch));

async function takeDropped(): Promise<Dropped | undefined> {
  const dropped = await transact<Dropped | undefined>(META, 'readonly', (s) => s.get('dropped'));
  if (!dropped) return undefined;
  await transact(META, 'readwrite', (s) => void s.delete('dropped'));
  return dropped;
}

/** Ids received by this worker instance, before their write to IndexedDB has committed. */
const received = new Set<string>();
let backoffUntil = 0;
let attempt = 0;
let running: Promise<void> | undefined;
/** Batches in flight when a previous worker instance was stopped go out again once. */
let recovered = false;

async function send(batch: Stored): Promise<void> {
  const compressed = await gzip(batch.body);
  let status = 0;
  let retryAfter: string | null = null;
  try {
    const response = await fetch(batch.url, {
      method: 'POST',
      body: (compressed ?? batch.body) as BodyInit,
      credentials: 'omit',
      headers: {
        'Content-Type': 'application/json',
        ...(compressed ? { 'Content-Encoding': 'gzip' } : {}),
        ...batch.headers,
      },
    });
    status = response.status;
    retryAfter = response.headers.get('Retry-After');
  } catch {
    // network error: status 0, retried
  }
  // cleared (consent withdrawn) while it was in flight: leave nothing behind
  if (!(await get(batch.id))) return;
  if (isRetryable(status)) {
    await put({ ...batch, state: 'queued' });
    const delay = retryAfterMs(retryAfter, Date.now()) ?? backoffDelay(attempt);
    attempt = Math.min(attempt + 1, 10);
    backoffUntil = Math.max(backoffUntil, Date.now() + delay);
  } else {
    // accepted, or refused for good (400, 413): never sent again
    await put({ ...batch, body: '', state: 'done', at: Date.now() });
    if (status < 300) attempt = backoffUntil = 0;
  }
}

/** Sends what is queued, a few requests at a time, until nothing is left or time is up. */
async function run(): Promise<void> {
  for (;;) {
    const stored = await all();
    const ledgerEnd = Date.now() - LEDGER_MS;
    for (const b of stored) {
      if (b.state === 'done' && b.at < ledgerEnd) {
        await transact(BATCHES, 'readwrite', (s) => void s.delete(b.id));
      }
    }
    if (!recovered) {
      recovered = true;
      for (const b of stored) if (b.state === 'inflight') b.state = 'queued';
    }
    const next = stored
      .filter((b) => b.state === 'queued')
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, PARALLEL);
    const wait = Math.max(0, backoffUntil - Date.now());
    if (!next.length || Date.now() + wait > deadline) return;
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    await Promise.all(
      next.map(async (batch) => {
        await put({ ...batch, state: 'inflight' });
        await send(batch);
      }),
    );
  }
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

/** Past the bound, the oldest waiting batches go (kept in the ledger, so no page resends them). */
async function bound(): Promise<void> {
  const waiting = (await all())
    .filter((b) => b.state === 'queued')
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  let total = waiting.reduce((n, b) => n + b.body.length, 0);
  const dropped: Dropped = { spans: 0, batches: 0 };
  for (const b of waiting) {
    if (total <= RELAY_MAX_CHARS) break;
    total -= b.body.length;
    dropped.spans += b.spans;
    dropped.batches++;
    await put({ ...b, body: '', state: 'done', at: Date.now() });
  }
  if (!dropped.batches) return;
  const before = await transact<Dropped | undefined>(META, 'readonly', (s) => s.get('dropped'));
  await transact(META, 'readwrite', (s) => {
    s.put(
      {
        spans: dropped.spans + (before?.spans ?? 0),
        batches: dropped.batches + (before?.batches ?? 0),
      },
      'dropped',
    );
  });
}

async function handle(request: RelayRequest, reply: (r: RelayReply) => void): Promise<void> {
  switch (request.type) {
    case 'ping':
      reply({ ok: true });
      break;
    case 'relay': {
      const { batch } = request;
      // the same batch twice (a page that asked again) is stored and sent once
      if (!received.has(batch.id)) {
        received.add(batch.id);
        if (!(await get(batch.id))) {
          await put({ ...batch, state: 'queued', at: Date.now() });
          await bound();
        }
      }
      reply({ ok: true, dropped: await takeDropped() });
      break;
    }
    case 'status': {
      const known: string[] = [];
      for (const id of request.ids) if (received.has(id) || (await get(id))) known.push(id);
      reply({ ok: true, known, dropped: await takeDropped() });
      break;
    }
    case 'clear':
      received.clear();
      await transact(BATCHES, 'readwrite', (s) => void s.clear());
      await transact(META, 'readwrite', (s) => void s.clear());
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
