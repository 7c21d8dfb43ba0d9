import { describe, expect, it } from 'vitest';
import { clsOf, loadStateAt } from './web-vitals';

describe('clsOf', () => {
  it('is the largest session window of shifts, as web-vitals computes it', () => {
    expect(clsOf([])).toBe(0);
    expect(clsOf([[100, 0.05]])).toBe(0.05);
    // less than 1 s apart: one window
    expect(
      clsOf([
        [100, 0.05],
        [900, 0.1],
        [1_800, 0.02],
      ]),
    ).toBeCloseTo(0.17, 10);
    // a gap of a second or more starts a new window; the larger one counts
    expect(
      clsOf([
        [100, 0.05],
        [1_100, 0.02],
        [3_000, 0.1],
        [3_500, 0.1],
      ]),
    ).toBeCloseTo(0.2, 10);
    // a window lasts at most 5 s, even without a gap: shifts every 0.9 s for 9 s
    const steady = Array.from({ length: 11 }, (_, i) => [i * 900, 0.01] as [number, number]);
    expect(clsOf(steady)).toBeCloseTo(0.06, 10);
  });
});

describe('loadStateAt', () => {
  const nav = { domInteractive: 100, domContentLoadedEventStart: 120, domComplete: 300 };
  it('is where the load was at that time, as web-vitals names it', () => {
    expect(loadStateAt(50, nav)).toBe('loading');
    expect(loadStateAt(100, nav)).toBe('dom-interactive');
    expect(loadStateAt(119.9, nav)).toBe('dom-interactive');
    expect(loadStateAt(120, nav)).toBe('dom-content-loaded');
    expect(loadStateAt(300, nav)).toBe('complete');
    expect(loadStateAt(5_000, nav)).toBe('complete');
  });
  it('counts a stage the page never reached (0) as still ahead', () => {
    expect(loadStateAt(500, { domInteractive: 0 })).toBe('loading');
    expect(loadStateAt(500, { ...nav, domComplete: 0 })).toBe('dom-content-loaded');
    expect(loadStateAt(500)).toBe('loading');
  });
});
