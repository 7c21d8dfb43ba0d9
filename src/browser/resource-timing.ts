import { observe } from './observe';

interface Pending {
  type: string;
  url: string;
  start: number;
  entry?: PerformanceResourceTiming;
  settle?: () => void;
}

/**
 * Matches the page's requests to their Resource Timing entries with one `resource` observer,
 * connected only while a request is in flight or waiting. An entry goes to the request with the
 * same URL and initiator type that started last before it (so concurrent calls to one URL each
 * get their own), at most once. The page's Resource Timing buffer is never cleared.
 */
export function createResourceTimings(): {
  /**
   * Call when the request starts; call the returned function when it ended: `done` gets the
   * entry once it is there, or undefined after `maxMs` (an entry comes when the body is
   * complete, and never for a failed request).
   */
  track(
    initiatorType: string,
    url: string,
    startTime: number,
  ): (maxMs: number, done: (entry?: PerformanceResourceTiming) => void) => void;
} {
  const pending = new Set<Pending>();
  /** Entries given to a request: each goes to one only. */
  const used = new WeakSet<PerformanceEntry>();
  let disconnect: (() => void) | undefined;
  /**
   * Already in the page's buffer: a request that ended before it was tracked (made before the
   * SDK's rest loaded), or whose entry came before the observer's callback.
   */
  const buffered = (p: Pending): PerformanceResourceTiming | undefined => {
    try {
      return (performance.getEntriesByName(p.url, 'resource') as PerformanceResourceTiming[]).find(
        (e) => !used.has(e) && e.initiatorType === p.type && p.start <= e.startTime + 1,
      );
    } catch {
      return undefined;
    }
  };
  const onEntries = (entries: PerformanceEntry[]): void => {
    for (const entry of entries as PerformanceResourceTiming[]) {
      if (used.has(entry)) continue;
      let match: Pending | undefined;
      for (const p of pending) {
        if (
          !p.entry &&
          p.url === entry.name &&
          p.type === entry.initiatorType &&
          // 1 ms for the clocks' coarsening
          p.start <= entry.startTime + 1 &&
          (!match || p.start > match.start)
        ) {
          match = p;
        }
      }
      if (match) {
        used.add(entry);
        match.entry = entry;
        match.settle?.();
      }
    }
  };
  return {
    track(type, url, start) {
      const p: Pending = { type, url, start };
      pending.add(p);
      disconnect ??= observe('resource', onEntries, { buffered: false });
      return (maxMs, done) => {
        if (!p.entry && (p.entry = buffered(p))) used.add(p.entry);
        const settle = (): void => {
          if (!pending.delete(p)) return;
          if (!pending.size) {
            disconnect?.();
            disconnect = undefined;
          }
          done(p.entry);
        };
        if (p.entry || !disconnect || maxMs <= 0) return settle();
        const timer = setTimeout(settle, maxMs);
        p.settle = () => {
          clearTimeout(timer);
          settle();
        };
      };
    },
  };
}
