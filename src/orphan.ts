import type { TakenVitals } from './browser/observe';
import type { KeyValueStore } from './browser/storage';
import type { Early } from './core';

/**
 * A page closed before the rest of the SDK loaded: what its critical path saw is stored under
 * this prefix (with the page's clock and navigation timing), and the next page of the origin
 * that starts the rest sends it, on that page's clock. The loader stores (`keepOrphan`), the rest
 * adopts (`shifted`).
 */
export const ORPHAN_PREFIX = 'otel_rum_orphan:';
/** The Web Lock a tab holds while it adopts stored pages. */
export const ORPHAN_LOCK = 'otel-rum-orphans';
/** Orphaned pages kept at most (the oldest go first), and the characters each may take. */
export const MAX_ORPHANS = 4;
export const MAX_ORPHAN_CHARS = 50_000;

/** An error as stored: the parts of the event and its error that `errors.onEvent` reads. */
export interface StoredError {
  name?: string;
  message?: string;
  stack?: string;
}

export interface Orphan {
  href: string;
  referrer: string;
  /** Epoch ms of the page's `performance.timeOrigin`: every time below is relative to it. */
  origin: number;
  leftAt: number;
  session: { id: string; previousId?: string };
  /** The navigation entry's JSON, when the browser had one. */
  navigation?: Record<string, unknown>;
  /**
   * false: the page's load is not the next page's to send (the rest of the SDK had started on the
   * page and tracked it before the page closed). Absent means true.
   */
  pageLoad?: boolean;
  /** Its vitals' entries as it closed (when its page load is the next page's to send). */
  vitals?: TakenVitals;
  /** Clicks are not kept: their spans need the element. Errors' events are plain objects. */
  entries: Early[];
}

/** An error as it was thrown, from its stored parts (a thrown non-Error stays as it was). */
const revive = (value: unknown): unknown =>
  value && typeof value === 'object' && 'message' in value && 'stack' in value
    ? Object.assign(new Error(String((value as StoredError).message)), value)
    : value;

/** A stored entry on another clock: `shift` ms added to each of its times; errors revived. */
export function shifted(entry: Early, shift: number): Early {
  switch (entry.type) {
    case 'error': {
      const e = entry.event as unknown as Record<string, unknown>;
      const event: Record<string, unknown> = { ...e, timeStamp: Number(e.timeStamp) + shift };
      event.error = revive(e.error) ?? undefined;
      event.reason = revive(e.reason);
      return { ...entry, event: event as unknown as Event };
    }
    case 'route':
      return {
        ...entry,
        at: entry.at + shift,
        paintedAt: entry.paintedAt === undefined ? undefined : entry.paintedAt + shift,
      };
    case 'request': {
      const { info, result, ids } = entry.request;
      return {
        ...entry,
        request: {
          // its click was not kept: the request is the root of the trace its traceparent named
          ids: { traceId: ids.traceId, spanId: ids.spanId },
          info: { ...info, startTime: info.startTime + shift },
          result: result && { ...result, endTime: result.endTime + shift },
        },
      };
    }
    case 'event':
      return { ...entry, at: entry.at + shift };
    case 'recordError':
      return { ...entry, at: entry.at + shift, error: revive(entry.error) };
    default:
      return entry;
  }
}

/** An error, or what a thrown non-Error was, as JSON can keep it. */
const plain = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

/** What `errors.onEvent` reads of an error or rejection event, as plain data. */
function plainErrorEvent(e: ErrorEvent & PromiseRejectionEvent): Event {
  const target = e.target as (Element & { src?: string; href?: string }) | null;
  const element = target && 'tagName' in target ? target : undefined;
  return {
    type: e.type,
    timeStamp: e.timeStamp,
    message: e.message,
    filename: e.filename,
    lineno: e.lineno,
    colno: e.colno,
    error: plain(e.error),
    reason: plain(e.reason),
    target: element && { tagName: element.tagName, src: element.src || element.href || '' },
  } as unknown as Event;
}

/**
 * Stores a closing page's queue for the next page, within MAX_ORPHAN_CHARS (the newer half of
 * the entries dropped until it fits) and MAX_ORPHANS (the oldest orphan goes). Clicks are left
 * out (their spans need the element); errors keep what their spans are made of. Nothing is stored
 * when nothing is left to send. Returns the key it stored under.
 */
export function keepOrphan(
  store: KeyValueStore,
  page: Omit<Orphan, 'entries'>,
  early: readonly Early[],
  suffix: string,
): string | undefined {
  const entries: Early[] = [];
  for (const entry of early) {
    if (entry.type === 'interaction') continue;
    if (entry.type === 'error') {
      entries.push({
        ...entry,
        event: plainErrorEvent(entry.event as ErrorEvent & PromiseRejectionEvent),
      });
    } else if (entry.type === 'recordError') {
      entries.push({ ...entry, error: plain(entry.error) });
    } else entries.push(entry);
  }
  if (page.pageLoad === false && !entries.length) return undefined;
  const orphan: Orphan = { ...page, entries };
  let text = JSON.stringify(orphan);
  while (text.length > MAX_ORPHAN_CHARS && orphan.entries.length) {
    orphan.entries.length = Math.floor(orphan.entries.length / 2);
    text = JSON.stringify(orphan);
  }
  if (text.length > MAX_ORPHAN_CHARS) return undefined;
  const kept = store.keys().filter((k) => k.startsWith(ORPHAN_PREFIX));
  kept.sort();
  kept.slice(0, Math.max(0, kept.length - MAX_ORPHANS + 1)).forEach((k) => store.remove(k));
  const key = `${ORPHAN_PREFIX}${Date.now()}-${suffix}`;
  store.set(key, text);
  return key;
}
