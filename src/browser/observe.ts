import { guard } from '../guard';

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
    if (
      typeof PerformanceObserver === 'undefined' ||
      !PerformanceObserver.supportedEntryTypes?.includes(type)
    ) {
      return undefined;
    }
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
