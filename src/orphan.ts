import type { Early } from './core';

/**
 * A page closed before the rest of the SDK loaded: what its critical path saw is stored under
 * this prefix (with the page's clock and navigation timing), and the next page of the origin
 * that starts the rest sends it, on that page's clock. Types and the key only: both halves use it.
 */
export const ORPHAN_PREFIX = 'otel_rum_orphan:';
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
