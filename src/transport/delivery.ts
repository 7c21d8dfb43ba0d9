import { randomHex } from '../session/sampling';

/** What the page's sender and the relay service worker share about talking to a collector. */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 60_000;

/** The next exponential backoff step, with jitter: a fleet of browsers must not come back in lockstep. */
export const backoffDelay = (attempt: number): number =>
  Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);

/** `Retry-After` in seconds or as an HTTP date, in ms from `now`. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Longer than a working collector takes to answer (the OTLP exporters' default timeout). */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A POST that gives up after `timeoutMs` (then it fails like a network error, and is retried):
 * a request that never ends would hold its batch, and a share of the keepalive budget, for good.
 */
export function postWithTimeout(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Response> {
  if (typeof AbortController === 'undefined') return fetchImpl(url, { ...init, method: 'POST' });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return fetchImpl(url, { ...init, method: 'POST', signal: controller.signal }).finally(() =>
    clearTimeout(timer),
  );
}

export const isRetryable = (status: number): boolean =>
  status === 0 || status === 408 || status === 429 || status >= 500;

/** Gzip where `CompressionStream` exists (the collector accepts `Content-Encoding: gzip`). */
export async function gzip(body: string): Promise<Uint8Array | undefined> {
  if (typeof CompressionStream === 'undefined' || typeof Blob === 'undefined') return undefined;
  try {
    const stream = new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return undefined;
  }
}
/** Sortable by creation time (base 36 epoch ms), unique by the random tail. */
export const batchId = (t: number): string => t.toString(36).padStart(9, '0') + randomHex(4);
