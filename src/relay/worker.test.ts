import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchId } from '../transport/delivery';
import { RELAY_PROTOCOL, type RelayBatch, type RelayReply, type RelayRequest } from './protocol';

type InstallRelay = typeof import('./worker').installRelay;
type Row = RelayBatch & { state: string };
/** A request as a page writes it (the protocol field is added on posting). */
type Request<R = RelayRequest> = R extends unknown ? Omit<R, 'protocol'> : never;

/**
 * The few IndexedDB calls the worker makes (open, one object store, getAll/put/delete/clear in
 * read-write transactions). Transactions run one after the other in the order they were created,
 * as overlapping read-write transactions do; `hold()` keeps commits pending until released, and
 * `failCommits` makes that many of the next commits fail (quota exceeded, disk error).
 */
function fakeIndexedDB() {
  const rows = new Map<string, Row>();
  const db = { failCommits: 0, rows, hold };
  let chain = Promise.resolve();
  let gate = Promise.resolve();
  function hold(): () => void {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    return release;
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  const transaction = () => {
    let working = new Map<string, Row>(); // what the transaction sees once it starts
    const reads: (() => void)[] = [];
    const tx = {
      error: null as DOMException | null,
      oncomplete: null as (() => void) | null,
      onabort: null as (() => void) | null,
      onerror: null as (() => void) | null,
      objectStore: () => ({
        getAll() {
          const request = { result: [] as Row[], onsuccess: null as (() => void) | null };
          reads.push(() => {
            request.result = [...working.values()].map((row) => structuredClone(row));
            request.onsuccess?.();
          });
          return request;
        },
        put: (row: Row) => void working.set(row.id, structuredClone(row)),
        delete: (id: string) => void working.delete(id),
        clear: () => working.clear(),
      }),
    };
    chain = chain.then(async () => {
      await tick();
      working = new Map([...rows].map(([id, row]) => [id, structuredClone(row)]));
      let thrown = false;
      try {
        for (const read of reads) read();
      } catch {
        thrown = true; // an exception in a request's handler aborts its transaction
      }
      await gate;
      if (thrown || (db.failCommits > 0 && db.failCommits--)) {
        tx.error = new DOMException('write failed', 'QuotaExceededError');
        tx.onabort?.();
        return;
      }
      rows.clear();
      for (const [id, row] of working) rows.set(id, row);
      tx.oncomplete?.();
    });
    return tx;
  };

  let upgraded = false;
  const indexedDB = {
    open() {
      const request = {
        result: { transaction, createObjectStore: () => undefined },
        error: null,
        onupgradeneeded: null as (() => void) | null,
        onsuccess: null as (() => void) | null,
        onerror: null as (() => void) | null,
      };
      setTimeout(() => {
        if (!upgraded) request.onupgradeneeded?.();
        upgraded = true;
        request.onsuccess?.();
      });
      return request;
    },
  };
  vi.stubGlobal('indexedDB', indexedDB);
  return db;
}

/** A service worker global: its listeners, and pages posting to it over a MessageChannel port. */
function fakeScope() {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const scope = {
    addEventListener(type: string, listener: (event: unknown) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    skipWaiting: vi.fn(async () => undefined),
    clients: { claim: vi.fn(async () => undefined) },
  };
  /** Posts a request; `reply` is what the page hears, `done` ends the event's `waitUntil`. */
  const post = (request: Request) => {
    let answer!: (reply: RelayReply) => void;
    const reply = new Promise<RelayReply>((resolve) => (answer = resolve));
    let done: Promise<unknown> = Promise.resolve();
    const event = {
      data: { protocol: RELAY_PROTOCOL, ...request },
      ports: [{ postMessage: (r: RelayReply) => answer(r) }],
      waitUntil: (promise: Promise<unknown>) => (done = promise),
    };
    for (const listener of listeners.get('message') ?? []) listener(event);
    return { reply, done };
  };
  return { scope, listeners, post };
}

/** A collector that accepts everything and records the span names of each request. */
function fakeCollector() {
  const delivered: string[] = [];
  const fetchImpl = vi.fn(async (_url: string, init: RequestInit) => {
    const body =
      init.body instanceof Uint8Array ? gunzipSync(init.body).toString() : String(init.body);
    const request = JSON.parse(body) as {
      resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
    };
    for (const rs of request.resourceSpans)
      for (const ss of rs.scopeSpans) delivered.push(...ss.spans.map((s) => s.name));
    return new Response('{}', { status: 200 });
  });
  vi.stubGlobal('fetch', fetchImpl);
  return { delivered, fetchImpl };
}

const batch = (name: string): RelayBatch => ({
  id: batchId(Date.now()),
  url: 'https://collector.example/v1/traces',
  headers: {},
  body: JSON.stringify({
    resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 't' }, spans: [{ name }] }] }],
  }),
  spans: 1,
});
const MAX_CHARS = 1_000_000;

describe('relay worker', () => {
  let installRelay: InstallRelay;
  beforeEach(async () => {
    vi.resetModules(); // the worker keeps its database and backoff in module state
    ({ installRelay } = await import('./worker'));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('does not confirm or report a batch whose write failed; the resent batch is stored and delivered once', async () => {
    const db = fakeIndexedDB();
    const collector = fakeCollector();
    const { scope, post } = fakeScope();
    installRelay(scope as unknown as Parameters<InstallRelay>[0]);
    const b = batch('checkout');

    db.failCommits = 1;
    const first = post({ type: 'relay', batch: b, maxChars: MAX_CHARS });
    expect(await first.reply).toEqual({ ok: false });
    await first.done;
    expect(db.rows.has(b.id)).toBe(false);
    // a later page asks: the worker does not have it, so the page sends it again
    expect(await post({ type: 'status', ids: [b.id] }).reply).toEqual({ ok: true, known: [] });

    const again = post({ type: 'relay', batch: b, maxChars: MAX_CHARS });
    expect(await again.reply).toEqual({ ok: true });
    await again.done;
    expect(await post({ type: 'status', ids: [b.id] }).reply).toEqual({
      ok: true,
      known: [b.id],
    });
    // a third post (a page that never heard the answer) changes nothing
    const third = post({ type: 'relay', batch: b, maxChars: MAX_CHARS });
    expect(await third.reply).toEqual({ ok: true });
    await third.done;

    expect([...db.rows.keys()]).toEqual([b.id]);
    expect(db.rows.get(b.id)?.state).toBe('done');
    expect(collector.delivered).toEqual(['checkout']);
    expect(collector.fetchImpl).toHaveBeenCalledTimes(1);
  });

  it('confirms a batch posted twice while its first write is pending only once a write has committed', async () => {
    const db = fakeIndexedDB();
    const collector = fakeCollector();
    const { scope, post } = fakeScope();
    installRelay(scope as unknown as Parameters<InstallRelay>[0]);
    const b = batch('add-to-cart');

    const release = db.hold();
    const answers: { reply: RelayReply; stored: boolean }[] = [];
    const record = (reply: RelayReply) => answers.push({ reply, stored: db.rows.has(b.id) });
    const first = post({ type: 'relay', batch: b, maxChars: MAX_CHARS });
    const second = post({ type: 'relay', batch: b, maxChars: MAX_CHARS });
    void first.reply.then(record);
    void second.reply.then(record);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answers).toEqual([]); // nothing is confirmed while the write is pending

    db.failCommits = 1; // the first write fails; the duplicate's own transaction then stores it
    release();
    await Promise.all([first.done, second.done]);
    expect(answers).toEqual([
      { reply: { ok: false }, stored: false },
      { reply: { ok: true }, stored: true },
    ]);
    expect(collector.delivered).toEqual(['add-to-cart']);
  });

  it('never takes over the scope when installed in the app’s own worker', () => {
    const app = fakeScope();
    installRelay(app.scope as unknown as Parameters<InstallRelay>[0]);
    expect([...app.listeners.keys()]).toEqual(['message']);

    const own = fakeScope();
    installRelay(own.scope as unknown as Parameters<InstallRelay>[0], { standalone: true });
    expect([...own.listeners.keys()].sort()).toEqual(['activate', 'install', 'message']);
    expect(app.scope.skipWaiting).not.toHaveBeenCalled();
    expect(app.scope.clients.claim).not.toHaveBeenCalled();
  });
});
