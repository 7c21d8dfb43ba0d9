import type { KeyValueStore } from '../browser/storage';

/**
 * The persistent outbox: serialized OTLP batches that are not yet known to be delivered, one
 * storage key per batch so a state change rewrites one small value. Web Storage, not IndexedDB:
 * its writes are synchronous, so what is queued in `pagehide` is on disk before the page goes.
 *
 * Each batch has an owner tab and a lease. The owner renews its leases while it lives; another tab
 * (on load, on `online`) adopts only batches whose lease ran out, under a cross-tab lock, so two
 * tabs never send the same batch. A batch that was in flight when its tab died is dropped, not
 * resent: keepalive requests outlive their page, and resending could duplicate what the
 * collector already accepted.
 */
export const OUTBOX_PREFIX = 'otel_rum_outbox:';
export const DROPPED_KEY = 'otel_rum_outbox_dropped';
export const BACKOFF_KEY = 'otel_rum_backoff_until';
/** Default bound on what the outbox keeps (characters of OTLP JSON, oldest dropped first). */
export const OUTBOX_MAX_CHARS = 1_000_000;
export const LEASE_MS = 15_000;

export interface OutboxEntry {
  /** Starts with the creation time in base 36, so keys sort oldest first. */
  id: string;
  owner: string;
  /** Epoch ms until which `owner` holds the batch. */
  lease: number;
  /** `relayed`: handed to the relay service worker, which has not confirmed it yet. */
  state: 'queued' | 'inflight' | 'relayed';
  /** OTLP/JSON ExportTraceServiceRequest. */
  body: string;
  spans: number;
  created: number;
}

export interface Dropped {
  spans: number;
  batches: number;
}

export interface Outbox {
  /** The bound, in characters stored. */
  readonly maxChars: number;
  /** Stores the batch; returns the ids of older batches the bound made room by dropping. */
  put(entry: OutboxEntry): string[];
  /** The entry without its body (cheap: owner, lease and state checks). */
  meta(id: string): OutboxEntry | undefined;
  remove(id: string): void;
  /** Entries whose lease has run out (their tab is gone), oldest first. */
  orphans(now: number): OutboxEntry[];
  /**
   * Until when no tab sends to the collector (shared by every tab); non-zero from a failed
   * request until the next one that gets through, even once that time has passed.
   */
  backoff(): number;
  setBackoff(until: number): void;
  /** What the bound made us drop since the counter was last taken (and resets it). */
  takeDropped(): Dropped;
  clear(): void;
}

export function createOutbox(store: KeyValueStore, maxChars = OUTBOX_MAX_CHARS): Outbox {
  // Stored as `<metadata JSON>\n<OTLP JSON body>`: the body is never escaped into, or parsed
  // out of, another JSON document, and reading the metadata does not touch the body.
  const encode = (entry: OutboxEntry): string => {
    const { body, ...meta } = entry;
    return `${JSON.stringify(meta)}\n${body}`;
  };
  const read = (key: string, withBody = true): OutboxEntry | undefined => {
    try {
      const raw = store.get(key);
      const cut = raw ? raw.indexOf('\n') : -1;
      if (!raw || cut < 0) return undefined;
      const meta = JSON.parse(raw.slice(0, cut)) as Omit<OutboxEntry, 'body'>;
      return { ...meta, body: withBody ? raw.slice(cut + 1) : '' };
    } catch {
      return undefined;
    }
  };
  const all = (): OutboxEntry[] =>
    store
      .keys()
      .filter((k) => k.startsWith(OUTBOX_PREFIX))
      .map((k) => read(k))
      .filter((e): e is OutboxEntry => !!e)
      .sort((a, b) => a.created - b.created);

  const addDropped = (spans: number, batches: number): void => {
    const d = takeDroppedRaw();
    store.set(
      DROPPED_KEY,
      JSON.stringify({ spans: d.spans + spans, batches: d.batches + batches }),
    );
  };
  const takeDroppedRaw = (): Dropped => {
    try {
      const d = JSON.parse(store.get(DROPPED_KEY) ?? 'null') as Dropped | null;
      return d && typeof d.spans === 'number' ? d : { spans: 0, batches: 0 };
    } catch {
      return { spans: 0, batches: 0 };
    }
  };

  return {
    maxChars,
    put(entry) {
      // Sizes come from the stored strings, ordered by key (ids start with their creation
      // time): no parsing on this path, which runs for every batch.
      const key = OUTBOX_PREFIX + entry.id;
      const value = encode(entry);
      const others = store
        .keys()
        .filter((k) => k.startsWith(OUTBOX_PREFIX) && k !== key)
        .sort()
        .map((k) => ({ key: k, size: store.get(k)?.length ?? 0 }));
      const dropped: string[] = [];
      let total = others.reduce((n, o) => n + o.size, value.length);
      // A relay worker already holds a `relayed` batch: its record here only helps a later page
      // ask about it. Nothing is dropped to make room for it, and not keeping it loses nothing.
      if (entry.state === 'relayed' && total > maxChars) {
        store.remove(key);
        return [];
      }
      // over the bound: the oldest batches go first, and the loss is counted
      for (const old of others) {
        if (total <= maxChars) break;
        const e = read(old.key, false);
        if (e?.state === 'inflight' || e?.state === 'relayed') continue;
        store.remove(old.key);
        addDropped(e?.spans ?? 0, 1);
        dropped.push(old.key.slice(OUTBOX_PREFIX.length));
        total -= old.size;
      }
      // still over (what is left is in flight, or the batch alone is too big): the new batch
      // does not fit, and the bound holds
      if (total > maxChars) {
        addDropped(entry.spans, 1);
        store.remove(key);
        return [...dropped, entry.id];
      }
      store.set(key, value);
      return dropped;
    },
    meta: (id) => read(OUTBOX_PREFIX + id, false),
    remove(id) {
      store.remove(OUTBOX_PREFIX + id);
    },
    orphans(now) {
      return all().filter((e) => e.lease < now);
    },
    backoff: () => Number(store.get(BACKOFF_KEY)) || 0,
    setBackoff(until) {
      if (until) store.set(BACKOFF_KEY, String(until));
      else store.remove(BACKOFF_KEY);
    },
    takeDropped() {
      const d = takeDroppedRaw();
      if (d.spans || d.batches) store.remove(DROPPED_KEY);
      return d;
    },
    clear() {
      for (const key of store.keys())
        if (key.startsWith(OUTBOX_PREFIX) || key === DROPPED_KEY) store.remove(key);
    },
  };
}
