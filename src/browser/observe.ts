import { guard } from '../guard';

const supported = (type: string): boolean =>
  typeof PerformanceObserver !== 'undefined' &&
  !!PerformanceObserver.supportedEntryTypes?.includes(type);

/**
 * Observes one performance entry type with `buffered: true`. Returns a stop function, or
 * `undefined` when the browser does not support the entry type (the caller then degrades quietly).
 */
export function observe(
  type: string,
  callback: (entries: PerformanceEntry[]) => void,
  options: Record<string, unknown> = {},
): (() => void) | undefined {
  try {
    if (!supported(type)) return undefined;
    const observer = new PerformanceObserver(
      guard((list: PerformanceObserverEntryList) => callback(list.getEntries())),
    );
    observer.observe({ type, buffered: true, ...options } as PerformanceObserverInit);
    return () => observer.disconnect();
  } catch {
    return undefined;
  }
}

export function navigationEntry(): PerformanceNavigationTiming | undefined {
  try {
    const entry = performance.getEntriesByType('navigation')[0];
    return entry as PerformanceNavigationTiming | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries of `type` the browser has buffered, taken now rather than in an observer's later
 * callback: a closing page runs no later task. `undefined` where the browser has no such entries.
 */
function takeBuffered(type: string): PerformanceEntry[] | undefined {
  if (!supported(type)) return undefined;
  const observer = new PerformanceObserver(() => {});
  observer.observe({ type, buffered: true });
  const entries = observer.takeRecords();
  observer.disconnect();
  return entries;
}

/** What a page's paint and layout vitals are computed from, as plain data, on its own clock. */
export interface TakenVitals {
  /** `first-contentful-paint`, if before the page was first hidden. */
  fcp?: number;
  /**
   * The last `largest-contentful-paint` before the page was first hidden: time, resource URL, and
   * that resource's request start and response end (as web-vitals finds it), if it has one.
   */
  lcp?: [at: number, url: string, requestStart?: number, responseEnd?: number];
  /** Layout shifts without recent input, [time, score]; absent where the browser has none. */
  shifts?: [number, number][];
  /** The slowest interaction's entry: start, duration, processing start and end, event type. */
  inp?: [
    at: number,
    duration: number,
    processingStart: number,
    processingEnd: number,
    type: string,
  ];
}

/**
 * The vitals' entries so far, for a page that goes (or was hidden) before web-vitals could watch
 * it. `hiddenAt`: when the page was first hidden (paints after it do not count), or Infinity.
 */
export function takeVitals(hiddenAt: number): TakenVitals {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const lcp = takeBuffered('largest-contentful-paint')
    ?.filter((e) => e.startTime < hiddenAt)
    .pop() as (PerformanceEntry & { url?: string }) | undefined;
  // the last request for its URL that started before the paint, as web-vitals finds it
  const resource =
    lcp?.url &&
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.name === lcp.url && (e.requestStart || e.startTime) <= lcp.startTime)
      .pop();
  return {
    fcp: fcp && fcp.startTime < hiddenAt ? fcp.startTime : undefined,
    lcp:
      lcp &&
      (resource
        ? [
            lcp.startTime,
            lcp.url!,
            resource.requestStart || resource.startTime,
            resource.responseEnd,
          ]
        : [lcp.startTime, lcp.url ?? '']),
    shifts: (takeBuffered('layout-shift') as LayoutShift[] | undefined)
      ?.filter((e) => !e.hadRecentInput)
      .map((e) => [e.startTime, e.value]),
    inp: slowestInteraction(),
  };
}

/**
 * The browser buffers the first input and the `event` entries of 104 ms or more: the slowest is
 * exact when it took that long, else it is the first input, which may be below the slowest, but
 * both are under 104 ms (good). Only entries with an `interactionId`, as web-vitals counts;
 * the interaction's start and processing span all its entries (pointerdown, pointerup, click).
 */
function slowestInteraction(): TakenVitals['inp'] {
  const entries = [...(takeBuffered('first-input') ?? []), ...(takeBuffered('event') ?? [])]
    .map((e) => e as EventTiming)
    .filter((e) => e.interactionId);
  let slowest: EventTiming | undefined;
  for (const e of entries) if (!(slowest && slowest.duration >= e.duration)) slowest = e;
  if (!slowest) return undefined;
  const its = entries.filter((e) => e.interactionId === slowest.interactionId);
  return [
    Math.min(...its.map((e) => e.startTime)),
    slowest.duration,
    Math.min(...its.map((e) => e.processingStart)),
    Math.max(...its.map((e) => e.processingEnd)),
    its[0]!.name,
  ];
}

interface EventTiming extends PerformanceEntry {
  interactionId?: number;
  processingStart: number;
  processingEnd: number;
}

interface LayoutShift extends PerformanceEntry {
  value: number;
  hadRecentInput: boolean;
}
