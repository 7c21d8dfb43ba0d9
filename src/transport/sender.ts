import { unlessLocked } from '../browser/dom';
import { reportInternalError } from '../guard';
import type { Relay } from '../relay/client';
import { randomHex } from '../session/sampling';
import {
  backoffDelay,
  batchId,
  gzip,
  isRetryable,
  postWithTimeout,
  retryAfterMs,
} from './delivery';
import { LEASE_MS, type Dropped, type Outbox, type OutboxEntry } from './outbox';

/** Chromium caps the bodies of a document's in-flight keepalive requests at 64 KiB in total. */
export const KEEPALIVE_BUDGET_BYTES = 60_000;
const KEEPALIVE_MAX_REQUESTS = 8;
const REPLAY_INTERVAL_MS = 30_000;
/** How long a failed keepalive request waits for a `pagehide` that would explain it (see send). */
export const UNLOAD_GRACE_MS = 250;

export interface SenderOptions {
  url: string;
  headers: Record<string, string>;
  outbox: Outbox;
  now?: () => number;
  /** The outbox bound dropped old batches: report it once sending works again. */
  onDropped?: (dropped: Dropped) => void;
  /** The service worker that sends for this page when it has one (see src/relay). */
  relay?: () => Relay | undefined;
}

export interface Sender {
  /** Write-ahead to the outbox, then send when the network and the collector allow. */
  enqueue(body: string, spans: number, bytes?: number): void;
  /** Send what can go now; `urgent` (page hiding) sends synchronously, uncompressed. */
  pump(urgent?: boolean): void;
  /** Adopt batches left by closed tabs or earlier page loads, then send. */
  replay(): void;
  /** Resolves when nothing is in flight (or after `timeoutMs`). */
  settle(timeoutMs: number): Promise<void>;
  stop(): void;
  /** Everything queued (consent withdrawn). */
  clear(): void;
  /** The page is going away: what it could not send is free for the next page or tab to adopt. */
  release(): void;
  /** The page came back (back/forward cache): keep only what no other tab adopted meanwhile. */
  reclaim(): void;
  /**
   * The page is unloaded (its `pagehide` and `visibilitychange` are over) but may still run a few
   * tasks (observer callbacks; its timers are gone): batches made now are only stored, for the
   * next page or another tab to send.
   */
  unload(): void;
}

interface Pending extends OutboxEntry {
  bytes: number;
  /** Being compressed or sent by this tab right now. */
  busy?: boolean;
  /** Bumped at every send, so a compression that finishes late cannot send a second copy. */
  attempt?: number;
}

type FetchLike = typeof fetch;

/** The fetch our own requests use: never an instrumented one (no span for our exports). */
function nativeFetch(): FetchLike | undefined {
  const f = (globalThis as { fetch?: FetchLike & { __original?: FetchLike } }).fetch;
  return f?.__original ?? f;
}

/** A batch whose relay worker never answered stays this long before it is given up. */
const RELAYED_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Delivers OTLP batches: keepalive fetch within the browser's byte budget, gzip where
 * `CompressionStream` exists, exponential backoff with jitter on network errors, 408, 429 and 5xx
 * (honouring `Retry-After`), nothing sent while offline, and a persistent outbox underneath so
 * that what is not known to be delivered survives a closed tab or a collector outage.
 */
export function createSender(options: SenderOptions): Sender {
  const now = options.now ?? Date.now;
  const tab = randomHex(8);
  const fetchImpl = nativeFetch();
  const encoder = typeof TextEncoder === 'undefined' ? undefined : new TextEncoder();
  const queue: Pending[] = [];
  let inflightBytes = 0;
  let inflightCount = 0;
  /** Batches handed to the relay worker that it has not confirmed yet. */
  const relaying = new Map<string, Pending>();
  let attempt = 0;
  let backoffUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  /** Between `pagehide` and a back/forward cache restore. */
  let leaving = false;
  /**
   * After the unload: a message or request started by a document that is gone may never leave
   * it (Chromium runs a closed page's observer callbacks for tens of ms, then stops it).
   */
  let unloaded = false;
  const waiters: (() => void)[] = [];

  /** Another tab may have adopted a batch whose lease ran out: then it is theirs to send. */
  const stillOurs = (entry: Pending): boolean => {
    const stored = options.outbox.meta(entry.id);
    if (stored && stored.owner === tab) return true;
    queue.splice(queue.indexOf(entry) >>> 0, 1);
    return false;
  };
  /** A live tab keeps the leases of the batches it holds (past half their time). */
  const renewLeases = (t: number): void => {
    for (const entry of [...queue]) {
      // never renew over another tab that adopted it while this one was frozen
      if (entry.lease - t < LEASE_MS / 2 && stillOurs(entry)) {
        entry.lease = t + LEASE_MS;
        persist(entry);
      }
    }
  };
  const online = (): boolean => typeof navigator === 'undefined' || navigator.onLine !== false;
  const persist = (entry: Pending): void => {
    const { bytes: _bytes, busy: _busy, ...stored } = entry;
    // what the bound dropped from storage goes from memory too: memory stays bounded as well
    const dropped = options.outbox.put(stored);
    for (const id of dropped) {
      const i = queue.findIndex((e) => e.id === id);
      if (i >= 0) queue.splice(i, 1);
    }
  };
  const schedule = (at: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => pump(), Math.max(0, at - now()));
  };
  const idle = (): boolean =>
    inflightCount === 0 && relaying.size === 0 && !queue.some((e) => e.busy);
  const notifyIdle = (): void => {
    if (idle()) waiters.splice(0).forEach((w) => w());
  };

  /** Delivery works again: say what the outbox bound dropped meanwhile, once. */
  const reportDropped = (): void => {
    const dropped = options.outbox.takeDropped();
    if (dropped.spans || dropped.batches) options.onDropped?.(dropped);
  };

  const finish = (entry: Pending, status: number, retryAfter: string | null): void => {
    entry.busy = false;
    if (status >= 200 && status < 300) {
      queue.splice(queue.indexOf(entry) >>> 0, 1);
      options.outbox.remove(entry.id);
      attempt = 0;
      // every tab learns the collector answers again (another tab may have set the backoff)
      if (backoffUntil || options.outbox.backoff()) options.outbox.setBackoff((backoffUntil = 0));
      reportDropped();
    } else if (isRetryable(status)) {
      entry.state = 'queued';
      entry.lease = now() + LEASE_MS;
      persist(entry);
      const delay = retryAfterMs(retryAfter, now()) ?? backoffDelay(attempt);
      attempt = Math.min(attempt + 1, 10);
      backoffUntil = Math.max(backoffUntil, now() + delay);
      // every tab of the origin learns the collector is failing: none sends to it while hiding
      options.outbox.setBackoff(backoffUntil);
    } else {
      // 400, 413, ...: the collector will never take this batch; resending cannot help
      queue.splice(queue.indexOf(entry) >>> 0, 1);
      options.outbox.remove(entry.id);
      reportInternalError(
        new Error(`collector refused a batch of ${entry.spans} spans: HTTP ${status}`),
      );
    }
  };

  const send = (entry: Pending, body: string | Uint8Array, gzipped: boolean): void => {
    // the bound may have dropped it (or another tab adopted it) while it was being compressed
    if (!fetchImpl || !stillOurs(entry)) return;
    const size = typeof body === 'string' ? entry.bytes : body.byteLength;
    const keepalive = inflightBytes + size <= KEEPALIVE_BUDGET_BYTES;
    if (!keepalive && inflightCount > 0) {
      // Only keepalive requests survive an unload; wait for room rather than risk one that dies.
      entry.busy = false;
      return;
    }
    // A batch too big for keepalive even alone goes as a normal request and stays queued in
    // storage: if the page dies mid-flight it is sent again (at-least-once, for this case only).
    entry.state = 'inflight';
    entry.lease = now() + LEASE_MS;
    persist(keepalive ? entry : { ...entry, state: 'queued' });
    inflightBytes += keepalive ? size : 0;
    inflightCount++;
    const done = (status: number, retryAfter: string | null): void => {
      inflightBytes -= keepalive ? size : 0;
      inflightCount--;
      // A page being unloaded sees its keepalive requests fail on its side while the browser
      // still delivers them: what it learns then is not the collector's answer. The batch stays
      // marked in flight (assumed delivered) rather than queued for a second copy.
      if (leaving) return;
      finish(entry, status, retryAfter);
      notifyIdle();
      if (!stopped) pump();
    };
    // Chromium may fail them a few ms before the `pagehide` of a navigation, too: a keepalive
    // request's network failure is taken as the answer only if the page is still there a moment
    // later (a real failure retries after a backoff anyway).
    const settled = (status: number, retryAfter: string | null): void => {
      if (status || !keepalive) return done(status, retryAfter);
      setTimeout(() => done(0, null), UNLOAD_GRACE_MS);
    };
    try {
      postWithTimeout(fetchImpl, options.url, {
        body: body as BodyInit,
        keepalive,
        credentials: 'omit',
        headers: {
          'Content-Type': 'application/json',
          ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}),
          ...options.headers,
        },
      }).then(
        (response) => settled(response.status, response.headers.get('Retry-After')),
        () => settled(0, null),
      );
    } catch {
      done(0, null);
    }
  };

  /**
   * With a relay worker, every batch goes to it as soon as it is queued: the worker outlives this
   * page, reads the collector's answers and retries. The outbox keeps the batch (state `relayed`)
   * until the worker says it has stored it; if the page dies first, a later page asks the worker.
   */
  const handOver = (relay: Relay, urgent: boolean): void => {
    for (const entry of [...queue]) {
      if (entry.state !== 'queued' || (entry.busy && !urgent) || !stillOurs(entry)) continue;
      entry.attempt = (entry.attempt ?? 0) + 1; // a compression still running must not send it
      queue.splice(queue.indexOf(entry), 1);
      relayOne(relay, entry);
    }
  };
  /**
   * Posts first, then records: a closing page may be stopped at any point of its last task, and
   * the post is what counts. A batch posted but not recorded is the worker's; one recorded as
   * `relayed` but never confirmed is asked about by a later page.
   */
  const relayOne = (relay: Relay, entry: Pending): void => {
    const { id, body, spans } = entry;
    relaying.set(id, entry);
    let posted = false;
    relay.post(
      { id, url: options.url, headers: options.headers, body, spans },
      options.outbox.maxChars,
      () => {
        relaying.delete(id);
        if (options.outbox.meta(id)?.state === 'relayed') options.outbox.remove(id);
        // what this origin's outbox bound dropped (the worker reports its own bound's drops)
        reportDropped();
        notifyIdle();
      },
      () => {
        relaying.delete(id);
        if (!posted) {
          // the worker went away before the post: this page sends the batch itself
          queue.push({ ...entry, state: 'queued' });
          persist({ ...entry, state: 'queued' });
          return;
        }
        // no answer: the worker may hold it or not; a later replay asks it (or sends it)
        const stored = options.outbox.meta(id);
        if (stored?.state === 'relayed') persist({ ...entry, ...stored, body, lease: 0 });
        notifyIdle();
      },
    );
    posted = true;
    if (relaying.has(id))
      persist({ ...entry, state: 'relayed', lease: leaving ? 0 : now() + LEASE_MS });
  };

  const pump = (urgent = false): void => {
    if (stopped || unloaded || !fetchImpl) return;
    // after pagehide only the hiding page's own (urgent) pumps send: a timer's would compress, and
    // finish after the page is gone
    if (leaving && !urgent) return;
    const t = now();
    renewLeases(t);
    const relay = options.relay?.();
    if (relay?.ready()) return handOver(relay, urgent);
    const failing = options.outbox.backoff();
    backoffUntil = Math.max(backoffUntil, failing);
    if (t < backoffUntil) {
      if (!urgent) schedule(backoffUntil);
      return; // during a backoff, even a hiding page leaves its batches in the outbox
    }
    // The collector's last answer to this origin was a failure, and no request has got through
    // since (the backoff is over, not the outage): a hiding page would not hear how its request
    // ends, and a batch whose request fails after the page is gone is lost. It stays in the
    // outbox for a page that can read the answer.
    if (urgent && failing) return;
    if (!online()) return; // the `online` event pumps again
    for (const entry of queue) {
      // when the page hides, a batch still being compressed goes out raw now instead
      if (entry.state !== 'queued' || (entry.busy && !urgent)) continue;
      if (inflightCount >= KEEPALIVE_MAX_REQUESTS) break;
      if (inflightBytes + entry.bytes > KEEPALIVE_BUDGET_BYTES && inflightCount > 0) break;
      if (!stillOurs(entry)) continue;
      entry.busy = true;
      const attemptNo = (entry.attempt = (entry.attempt ?? 0) + 1);
      if (urgent || typeof CompressionStream === 'undefined') {
        send(entry, entry.body, false);
        continue;
      }
      void gzip(entry.body).then((compressed) => {
        // the page may have hidden meanwhile and sent it raw (perhaps failed and queued again)
        if (entry.attempt !== attemptNo || entry.state !== 'queued' || stopped) return;
        // The page hid meanwhile and did not send it raw (the collector's last answer was a
        // failure): it was left queued for the next page. Sent now, from a page that is going or
        // gone, it would be marked in flight, taken as delivered, and maybe never leave.
        if (leaving) {
          entry.busy = false;
          return notifyIdle();
        }
        send(entry, compressed ?? entry.body, !!compressed);
      });
    }
  };

  const take = (entry: OutboxEntry): void => {
    const adopted: Pending = {
      ...entry,
      owner: tab,
      lease: now() + LEASE_MS,
      state: 'queued',
      bytes: encoder ? encoder.encode(entry.body).length : entry.body.length,
    };
    queue.push(adopted);
    persist(adopted);
  };

  const adoptOrphans = async (): Promise<void> => {
    const relayed: OutboxEntry[] = [];
    for (const orphan of options.outbox.orphans(now())) {
      if (orphan.state === 'relayed') relayed.push(orphan);
      else if (orphan.owner === tab) continue;
      else if (orphan.state === 'inflight')
        options.outbox.remove(orphan.id); // assumed delivered
      else take(orphan);
    }
    if (!relayed.length) return;
    // Handed to a relay worker by a page that did not hear back: the worker knows whether it has it.
    const relay = options.relay?.();
    const known =
      relay?.absent() === false ? await relay.status(relayed.map((e) => e.id)) : undefined;
    // no worker at all (unregistered): nothing holds these batches any more
    const gone = !relay || relay.absent();
    for (const entry of relayed) {
      if (options.outbox.meta(entry.id)?.state !== 'relayed') continue;
      if (known?.has(entry.id)) options.outbox.remove(entry.id);
      else if (known || gone) take(entry);
      else if (entry.created < now() - RELAYED_MAX_AGE_MS) options.outbox.remove(entry.id);
    }
  };

  /** Whether batches of a page gone, or handed to the relay worker, wait to be looked at. */
  const hasOrphans = (): boolean =>
    options.outbox.orphans(now()).some((e) => e.state === 'relayed' || e.owner !== tab);

  const replay = (): void => {
    if (stopped) return;
    options.relay?.()?.nudge();
    // the lock (a round trip to the browser) only when there is something to adopt
    (hasOrphans() ? unlessLocked('otel-rum-outbox', adoptOrphans) : Promise.resolve()).then(
      () => pump(),
      reportInternalError,
    );
  };

  const onOnline = (): void => {
    backoffUntil = 0;
    options.relay?.()?.nudge(true);
    replay();
  };
  if (typeof addEventListener === 'function') addEventListener('online', onOnline);
  const interval = setInterval(replay, REPLAY_INTERVAL_MS);
  // a live tab keeps its leases, even while it waits out a long backoff
  const renewal = setInterval(() => {
    renewLeases(now());
  }, LEASE_MS / 3);

  return {
    enqueue(body, spans, bytes) {
      const entry: Pending = {
        id: batchId(now()),
        owner: tab,
        // after pagehide nothing here will send it: free for the next page at once
        lease: leaving ? 0 : now() + LEASE_MS,
        state: 'queued',
        body,
        spans,
        created: now(),
        bytes: bytes ?? (encoder ? encoder.encode(body).length : body.length),
      };
      if (unloaded) return void persist({ ...entry, lease: 0 });
      // with a relay worker, the batch goes to it before anything is written here
      const relay = stopped ? undefined : options.relay?.();
      if (relay?.ready()) return relayOne(relay, entry);
      queue.push(entry);
      persist(entry);
    },
    pump,
    replay,
    settle(timeoutMs) {
      if (idle()) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, timeoutMs);
      });
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(interval);
      clearInterval(renewal);
      if (typeof removeEventListener === 'function') removeEventListener('online', onOnline);
    },
    clear() {
      queue.length = 0;
      options.outbox.clear();
    },
    release() {
      leaving = true;
      for (const entry of queue) {
        // queued ones, including any still being compressed: nothing of this page sends them now
        if (entry.state === 'queued') persist({ ...entry, lease: 0 });
      }
      // handed to the relay worker but not confirmed: the next page asks the worker at once
      for (const entry of relaying.values()) {
        if (options.outbox.meta(entry.id)?.state === 'relayed')
          persist({ ...entry, state: 'relayed', lease: 0 });
      }
    },
    unload() {
      unloaded = true;
    },
    reclaim() {
      leaving = unloaded = false;
      for (const entry of [...queue]) {
        const stored = options.outbox.meta(entry.id);
        if (entry.state === 'queued' && (!stored || stored.owner !== tab)) {
          queue.splice(queue.indexOf(entry), 1);
        } else if (entry.state === 'queued') {
          entry.lease = now() + LEASE_MS;
          persist(entry);
        }
      }
      pump();
    },
  };
}
