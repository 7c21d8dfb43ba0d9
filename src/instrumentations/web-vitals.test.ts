import { describe, expect, it } from 'vitest';
import { clsOf } from './web-vitals';

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
