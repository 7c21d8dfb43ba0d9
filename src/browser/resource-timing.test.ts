import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResourceTimings } from './resource-timing';

/** A PerformanceObserver whose entries the test delivers. */
let observers: Set<(entries: PerformanceEntry[]) => void>;
class FakeObserver {
  static supportedEntryTypes = ['resource'];
  constructor(private callback: (list: { getEntries(): PerformanceEntry[] }) => void) {}
  private deliver = (entries: PerformanceEntry[]) => this.callback({ getEntries: () => entries });
  observe(): void {
    observers.add(this.deliver);
  }
  disconnect(): void {
    observers.delete(this.deliver);
  }
}
const deliver = (...entries: Partial<PerformanceResourceTiming>[]) =>
  observers.forEach((o) => o(entries as PerformanceEntry[]));
const entry = (name: string, startTime: number, initiatorType = 'fetch') => ({
  name,
  startTime,
  initiatorType,
  responseEnd: startTime + 10,
});

beforeEach(() => {
  observers = new Set();
  vi.useFakeTimers();
  vi.stubGlobal('PerformanceObserver', FakeObserver);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('createResourceTimings', () => {
  it('gives each of two concurrent requests to one URL its own entry, whatever order they come in', () => {
    const timings = createResourceTimings();
    const first = timings.track('fetch', 'https://a.test/x', 10);
    const second = timings.track('fetch', 'https://a.test/x', 20);
    const got: unknown[] = [];
    // the second one's entry comes first
    deliver(entry('https://a.test/x', 20.5));
    second(1000, (e) => got.push(['second', e?.startTime]));
    first(1000, (e) => got.push(['first', e?.startTime]));
    expect(got).toEqual([['second', 20.5]]);
    deliver(entry('https://a.test/x', 10.2));
    expect(got).toEqual([
      ['second', 20.5],
      ['first', 10.2],
    ]);
  });

  it('matches the initiator type and URL, and never an entry from before the request', () => {
    const timings = createResourceTimings();
    const end = timings.track('xmlhttprequest', 'https://a.test/x', 50);
    deliver(
      entry('https://a.test/x', 51, 'fetch'),
      entry('https://a.test/y', 51, 'xmlhttprequest'),
      entry('https://a.test/x', 30, 'xmlhttprequest'),
    );
    const done = vi.fn();
    end(500, done);
    expect(done).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(done).toHaveBeenCalledExactlyOnceWith(undefined);
  });

  it('does not wait when told not to, and observes only while a request is pending', () => {
    const timings = createResourceTimings();
    const end = timings.track('fetch', 'https://a.test/x', 0);
    expect(observers.size).toBe(1);
    const done = vi.fn();
    end(0, done);
    expect(done).toHaveBeenCalledExactlyOnceWith(undefined);
    expect(observers.size).toBe(0);
  });

  it('settles once, at the entry or at the time limit', () => {
    const timings = createResourceTimings();
    const end = timings.track('fetch', 'https://a.test/x', 0);
    const done = vi.fn();
    end(1000, done);
    deliver(entry('https://a.test/x', 1));
    vi.advanceTimersByTime(2000);
    expect(done).toHaveBeenCalledOnce();
    expect(done.mock.calls[0]![0]).toMatchObject({ startTime: 1 });
  });
});
