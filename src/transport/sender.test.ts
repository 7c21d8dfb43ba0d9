import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../browser/storage';
import {
  BACKOFF_KEY,
  createOutbox,
  LEASE_MS,
  OUTBOX_PREFIX,
  type Outbox,
  type OutboxEntry,
} from './outbox';
import type { Relay } from '../relay/client';
import {
  UNLOAD_GRACE_MS,
  createSender,
  KEEPALIVE_BUDGET_BYTES,
  type SenderOptions,
} from './sender';

interface Call {
  body: string;
  keepalive: boolean;
  encoding?: string;
}

/**
 * A fake collector: answers each request with the next scripted status (then 200); `'hang'`
 * never answers (the request ends only when the client aborts it).
 */
function fakeCollector(script: (number | [number, string] | 'hang')[] = []) {
  const calls: Call[] = [];
  const inflight = { now: 0, max: 0, bytes: 0, maxBytes: 0 };
  const fetchImpl = vi.fn(async (_url: string, init: RequestInit) => {
    const body =
      init.body instanceof Uint8Array ? `gzip:${init.body.byteLength}` : String(init.body);
    const headers = init.headers as Record<string, string>;
    calls.push({ body, keepalive: !!init.keepalive, encoding: headers['Content-Encoding'] });
    const size = init.body instanceof Uint8Array ? init.body.byteLength : String(init.body).length;
    inflight.now++;
    inflight.bytes += init.keepalive ? size : 0;
    inflight.max = Math.max(inflight.max, inflight.now);
    inflight.maxBytes = Math.max(inflight.maxBytes, inflight.bytes);
    const next = script.shift() ?? 200;
    if (next === 'hang')
      return new Promise<never>((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('', 'AbortError'))),
      ).finally(() => {
        inflight.now--;
        inflight.bytes -= init.keepalive ? size : 0;
      });
    await new Promise((r) => setTimeout(r, 5));
    inflight.now--;
    inflight.bytes -= init.keepalive ? size : 0;
    const [status, retryAfter] = Array.isArray(next) ? next : [next, null];
    if (status === 0) throw new TypeError('Failed to fetch');
    return new Response('{}', { status, headers: retryAfter ? { 'Retry-After': retryAfter } : {} });
  });
  vi.stubGlobal('fetch', fetchImpl);
  return { calls, inflight };
}

const until = async (predicate: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** A sender to the fake collector, over `outbox` (a fresh one in memory by default). */
const senderFor = (
  outbox: Outbox = createOutbox(memoryStore()),
  options: Partial<SenderOptions> = {},
) => createSender({ url: 'http://c/v1/traces', headers: {}, outbox, ...options });

/** A batch left by a tab that is gone (its lease ran out long ago). */
const orphan = (id: string, state: OutboxEntry['state'], spans = 1): OutboxEntry => {
  const old = Date.now() - 2 * LEASE_MS;
  return { id, owner: 'gone', lease: old, state, body: `{"${id}":1}`, spans, created: old };
};

const outboxKeys = (store: ReturnType<typeof memoryStore>) =>
  store.keys().filter((k) => k.startsWith(OUTBOX_PREFIX));

/**
 * A page whose request failed (the collector is away; `{"a":1}` stays queued), once the backoff it
 * set is over and nothing has got through since.
 */
async function afterAFailure() {
  const { calls } = fakeCollector([0]);
  const store = memoryStore();
  let clock = Date.now();
  const now = () => clock;
  const closing = senderFor(createOutbox(store), { now });
  closing.enqueue('{"a":1}', 1);
  closing.pump();
  await until(() => Number(store.get(BACKOFF_KEY)) > clock);
  clock += 120_000;
  return { calls, store, closing, now };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('sender', () => {
  it('delivers each batch once, gzipped, and empties the outbox', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    for (let i = 0; i < 5; i++) sender.enqueue(JSON.stringify({ batch: i }), 1);
    expect(outboxKeys(store)).toHaveLength(5); // written ahead of sending
    sender.pump();
    await until(() => outboxKeys(store).length === 0);
    expect(calls).toHaveLength(5);
    expect(calls.every((c) => c.encoding === 'gzip' && c.keepalive)).toBe(true);
    sender.stop();
  });

  it('sends synchronously and uncompressed when the page hides', () => {
    const { calls } = fakeCollector();
    const sender = senderFor();
    sender.enqueue('{"last":true}', 2);
    sender.pump(true);
    expect(calls).toEqual([{ body: '{"last":true}', keepalive: true, encoding: undefined }]);
    sender.stop();
  });

  it('retries 503 and 429 honouring Retry-After, and a network error, without duplicates', async () => {
    const { calls } = fakeCollector([[503, '0'], [429, '0'], 0]);
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    sender.enqueue('{"a":1}', 1);
    sender.pump();
    await until(() => outboxKeys(store).length === 0, 5_000);
    expect(calls).toHaveLength(4);
    sender.stop();
  });

  it('backs off exponentially with jitter when no Retry-After is given', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.stubGlobal('CompressionStream', undefined); // keep every step on the fake clock
    const { calls } = fakeCollector([503, 503, 503]);
    const sender = senderFor();
    sender.enqueue('{"a":1}', 1);
    sender.pump();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400); // first backoff is 500..1000 ms
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(700);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_100); // second: 1000..2000 ms
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(4_100); // third: 2000..4000 ms
    expect(calls).toHaveLength(4);
    sender.stop();
  });

  it('gives up on a request that never ends, and sends the batch again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.stubGlobal('CompressionStream', undefined);
    const { calls } = fakeCollector(['hang']);
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    sender.enqueue('{"a":1}', 1);
    sender.pump();
    await vi.advanceTimersByTimeAsync(9_900);
    expect(calls).toHaveLength(1);
    expect(outboxKeys(store)).toHaveLength(1);
    // aborted at 10 s, a moment for a pagehide that would explain it, then retried after the
    // first backoff step (500..1000 ms)
    await vi.advanceTimersByTimeAsync(UNLOAD_GRACE_MS + 1_200);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.body).toBe('{"a":1}');
    await vi.advanceTimersByTimeAsync(10);
    expect(outboxKeys(store)).toHaveLength(0);
    sender.stop();
  });

  it('drops a batch the collector refuses for good (400, 413)', async () => {
    const { calls } = fakeCollector([400, 413]);
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    sender.enqueue('{"bad":1}', 1);
    sender.enqueue('{"big":1}', 1);
    sender.pump();
    await until(() => outboxKeys(store).length === 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toHaveLength(2);
    sender.stop();
  });

  it('keeps keepalive requests within the browser budget', async () => {
    const { calls, inflight } = fakeCollector();
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    const big = JSON.stringify({ pad: 'x'.repeat(25_000) });
    for (let i = 0; i < 6; i++) sender.enqueue(big, 10);
    sender.pump(true);
    await until(() => outboxKeys(store).length === 0);
    expect(calls).toHaveLength(6);
    expect(inflight.maxBytes).toBeLessThanOrEqual(KEEPALIVE_BUDGET_BYTES);
    sender.stop();
  });

  it('adopts batches left queued by a closed tab, but never resends one that was in flight', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    const outbox = createOutbox(store);
    const old = Date.now() - 2 * LEASE_MS;
    outbox.put(orphan('q', 'queued', 3));
    outbox.put(orphan('f', 'inflight', 3));
    outbox.put({
      id: 'live',
      owner: 'other-tab',
      lease: Date.now() + LEASE_MS,
      state: 'queued',
      body: '{"l":1}',
      spans: 1,
      created: old,
    });
    const sender = senderFor(outbox);
    sender.replay();
    await until(() => calls.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.map((c) => c.encoding)).toEqual(['gzip']);
    expect(outboxKeys(store)).toEqual([`${OUTBOX_PREFIX}live`]); // another live tab's batch is untouched
    sender.stop();
  });

  it('sends nothing while offline, and everything when back online', async () => {
    const { calls } = fakeCollector();
    vi.stubGlobal('navigator', { onLine: false });
    const listeners: Record<string, () => void> = {};
    vi.stubGlobal('addEventListener', (type: string, fn: () => void) => (listeners[type] = fn));
    vi.stubGlobal('removeEventListener', () => {});
    const store = memoryStore();
    const sender = senderFor(createOutbox(store));
    sender.enqueue('{"a":1}', 1);
    sender.pump(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(0);
    vi.stubGlobal('navigator', { onLine: true });
    listeners.online!();
    await until(() => calls.length === 1);
    sender.stop();
  });

  it('a hiding page sends nothing while the last answer was a failure, even after the backoff', async () => {
    const { calls, store, closing, now } = await afterAFailure();
    closing.enqueue('{"b":1}', 2);
    closing.pump(true);
    closing.release();
    expect(calls).toHaveLength(1); // only the request that failed: the page is leaving
    expect(outboxKeys(store)).toHaveLength(2);
    closing.stop();
    // the next page sends both once its request gets through, and every tab learns it did
    const next = senderFor(createOutbox(store), { now });
    next.replay();
    await until(() => outboxKeys(store).length === 0);
    expect(calls.slice(1)).toHaveLength(2);
    expect(store.get(BACKOFF_KEY)).toBeNull();
    // with the collector answering, a hiding page sends at once again
    next.enqueue('{"c":1}', 1);
    next.pump(true);
    expect(calls.map((c) => c.body).at(-1)).toBe('{"c":1}');
    next.stop();
  });

  it('a keepalive request failing just before the pagehide of a navigation is not sent again', async () => {
    vi.stubGlobal('CompressionStream', undefined);
    const { calls } = fakeCollector([0]);
    const store = memoryStore();
    const leaving = senderFor(createOutbox(store));
    leaving.enqueue('{"a":1}', 1);
    leaving.pump();
    await until(() => calls.length === 1);
    // Chromium failed it on the page's side as the navigation began; pagehide comes next
    await new Promise((r) => setTimeout(r, 20));
    leaving.release();
    await new Promise((r) => setTimeout(r, UNLOAD_GRACE_MS + 50));
    leaving.stop();
    // the browser may still deliver it: it stays in flight (taken as delivered), not queued again
    const outbox = createOutbox(store);
    expect(outbox.orphans(Number.MAX_SAFE_INTEGER).map((e) => e.state)).toEqual(['inflight']);
    expect(calls).toHaveLength(1);
  });

  it('a batch still being compressed as the page hides is left for the next page, not sent late', async () => {
    const { calls, store, closing, now } = await afterAFailure();
    closing.enqueue('{"b":1}', 2);
    closing.pump(); // the backoff is over: compressing both batches starts
    // the page hides before the compression ends (pagehide, then visibilitychange)
    closing.pump(true);
    closing.release();
    closing.pump(true);
    closing.unload();
    await new Promise((r) => setTimeout(r, 50)); // the compression has ended
    expect(calls).toHaveLength(1); // only the request that failed
    await closing.settle(100);
    closing.stop();
    // neither is taken as delivered: the next page sends both
    const next = senderFor(createOutbox(store), { now });
    next.replay();
    await until(() => outboxKeys(store).length === 0);
    expect(calls.slice(1).map((c) => c.encoding)).toEqual(['gzip', 'gzip']);
    next.stop();
  });
});

describe('outbox bound', () => {
  it('drops the oldest batches first and counts what it dropped', () => {
    const store = memoryStore();
    // the bound counts what is stored: each entry is its 300-character body plus ~100 of metadata
    const outbox = createOutbox(store, 1_300);
    for (let i = 0; i < 10; i++) {
      outbox.put({
        id: `b${i}`,
        owner: 't',
        lease: 0,
        state: 'queued',
        body: 'x'.repeat(300),
        spans: 7,
        created: i,
      });
    }
    const kept = outboxKeys(store).sort();
    expect(kept).toEqual([`${OUTBOX_PREFIX}b7`, `${OUTBOX_PREFIX}b8`, `${OUTBOX_PREFIX}b9`]);
    expect(kept.reduce((n, k) => n + store.get(k)!.length, 0)).toBeLessThanOrEqual(1_300);
    expect(outbox.takeDropped()).toEqual({ spans: 49, batches: 7 });
    expect(outbox.takeDropped()).toEqual({ spans: 0, batches: 0 });
  });
});

/** A relay worker as the sender sees it: records what it is handed, answers when told to. */
function fakeRelay(known: string[] = [], present = true) {
  const posted: {
    id: string;
    body: string;
    taken: () => void;
    lost: () => void;
  }[] = [];
  const relay: Relay = {
    ready: () => present,
    post: (batch, _max, taken, lost) =>
      void posted.push({ id: batch.id, body: batch.body, taken, lost }),
    status: async (ids) => new Set(ids.filter((id) => known.includes(id))),
    absent: () => !present,
    nudge: () => undefined,
    stop: () => undefined,
  };
  return { relay, posted };
}

describe('sender with a relay service worker', () => {
  it('hands every batch to the worker and keeps it until the worker has it', async () => {
    const { calls } = fakeCollector();
    const { relay, posted } = fakeRelay();
    const store = memoryStore();
    const dropped: unknown[] = [];
    const sender = senderFor(createOutbox(store), {
      relay: () => relay,
      onDropped: (d) => dropped.push(d),
    });
    sender.enqueue('{"a":1}', 2);
    sender.enqueue('{"b":1}', 3);
    sender.pump();
    expect(posted.map((p) => p.body)).toEqual(['{"a":1}', '{"b":1}']);
    const stored = outboxKeys(store).map((k) => store.get(k)!.split('\n')[0]);
    expect(stored.every((m) => JSON.parse(m).state === 'relayed')).toBe(true);
    let settled = false;
    void sender.settle(5_000).then(() => (settled = true));
    posted[0]!.taken();
    posted[1]!.taken();
    await until(() => settled);
    expect(outboxKeys(store)).toEqual([]);
    expect(dropped).toEqual([]); // the worker reports its own bound's drops
    expect(calls).toHaveLength(0); // the page itself sent nothing
    sender.stop();
  });

  it('a batch the worker never confirmed is asked about, not blindly resent', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    const outbox = createOutbox(store);
    for (const id of ['delivered', 'never-arrived']) outbox.put(orphan(id, 'relayed'));
    const { relay, posted } = fakeRelay(['delivered']);
    const sender = senderFor(outbox, { relay: () => relay });
    sender.replay();
    await until(() => posted.length === 1);
    expect(posted[0]!.body).toBe('{"never-arrived":1}');
    expect(outbox.meta('delivered')).toBeUndefined();
    posted[0]!.taken();
    expect(outboxKeys(store)).toEqual([]);
    expect(calls).toHaveLength(0);
    sender.stop();
  });

  it('with the worker gone, the page sends what it had handed over; with no answer it waits', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    const outbox = createOutbox(store);
    outbox.put(orphan('r', 'relayed'));
    const silent: Relay = { ...fakeRelay().relay, status: async () => undefined };
    const waiting = senderFor(outbox, { relay: () => silent });
    waiting.replay();
    await new Promise((r) => setTimeout(r, 30));
    expect(outbox.meta('r')?.state).toBe('relayed'); // it may be in the worker: not resent
    waiting.stop();
    const { relay } = fakeRelay([], false);
    const sender = senderFor(outbox, { relay: () => relay });
    sender.replay();
    await until(() => calls.length === 1 && outboxKeys(store).length === 0);
    sender.stop();
  });
});

describe('sender when the relay worker goes away', () => {
  it('sends a batch itself when the worker is gone at the moment of posting', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    let controlled = true;
    const vanishing: Relay = {
      ...fakeRelay().relay,
      ready: () => controlled,
      post: (_batch, _max, _taken, lost) => {
        controlled = false; // the worker is unregistered between the check and the post
        lost();
      },
    };
    const sender = senderFor(createOutbox(store), { relay: () => vanishing });
    sender.enqueue('{"a":1}', 1);
    expect(outboxKeys(store)).toHaveLength(1); // kept, as queued
    sender.pump();
    await until(() => calls.length === 1 && outboxKeys(store).length === 0);
    sender.stop();
  });
});

describe('sender after the unload', () => {
  it('only stores what ends in a closed page, and the next page sends it', async () => {
    const { calls } = fakeCollector();
    const store = memoryStore();
    const outbox = createOutbox(store);
    const { relay, posted } = fakeRelay();
    const closing = senderFor(outbox, { relay: () => relay });
    closing.release();
    closing.unload();
    closing.enqueue('{"late":1}', 1);
    closing.pump(true);
    expect(posted).toHaveLength(0);
    expect(calls).toHaveLength(0);
    expect(outboxKeys(store)).toHaveLength(1);
    closing.stop();
    const next = senderFor(outbox);
    next.replay();
    await until(() => calls.length === 1 && outboxKeys(store).length === 0);
    next.stop();
  });
});
