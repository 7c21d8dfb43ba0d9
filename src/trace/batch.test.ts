import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchProcessor, MAX_EXPORT_BATCH, MAX_QUEUE, type SpanExporter } from './batch';
import type { ReadableSpan } from './span';

const spans = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `s${i}` }) as ReadableSpan);
const tick = () => Promise.resolve();

function setup() {
  const batches: string[][] = [];
  const exporter: SpanExporter = {
    export: (list) => void batches.push(list.map((s) => s.name)),
    shutdown: vi.fn(async () => {}),
  };
  return { batches, exporter, batch: createBatchProcessor(exporter, 1_000) };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('batch processor', () => {
  it('exports after the delay, with a timer only while spans wait', () => {
    const { batches, batch } = setup();
    expect(vi.getTimerCount()).toBe(0);
    spans(3).forEach((s) => batch.onEnd(s));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([['s0', 's1', 's2']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('exports full batches of 100 at the end of the task that filled them', async () => {
    const { batches, batch } = setup();
    spans(250).forEach((s) => batch.onEnd(s));
    expect(batches).toEqual([]);
    await tick();
    expect(batches.map((b) => b.length)).toEqual([MAX_EXPORT_BATCH, MAX_EXPORT_BATCH, 50]);
    expect(batches.flat()).toEqual(spans(250).map((s) => s.name));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops (and counts) the newest spans beyond the queue bound', async () => {
    const { batches, batch } = setup();
    spans(MAX_QUEUE + 5).forEach((s) => batch.onEnd(s));
    expect(batch.dropped).toBe(5);
    await tick();
    expect(batches.flat()).toHaveLength(MAX_QUEUE);
    expect(batches.flat().at(-1)).toBe(`s${MAX_QUEUE - 1}`);
  });

  it('forceFlush exports everything before it returns', () => {
    const { batches, batch } = setup();
    spans(150).forEach((s) => batch.onEnd(s));
    void batch.forceFlush();
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an exporter that throws loses its batch, never throws into the span end', () => {
    const { batch } = createBatchProcessorWith(() => {
      throw new Error('x');
    });
    batch.onEnd(spans(1)[0]!);
    expect(() => batch.forceFlush()).not.toThrow();
  });

  it('shutdown flushes, then shuts the exporter down and takes no more spans', async () => {
    const { batches, batch, exporter } = setup();
    batch.onEnd(spans(1)[0]!);
    await batch.shutdown();
    expect(batches).toEqual([['s0']]);
    expect(exporter.shutdown).toHaveBeenCalled();
    batch.onEnd(spans(1)[0]!);
    await batch.forceFlush();
    expect(batches).toEqual([['s0']]);
  });
});

function createBatchProcessorWith(exportFn: () => void) {
  return { batch: createBatchProcessor({ export: exportFn, shutdown: async () => {} }, 10) };
}
