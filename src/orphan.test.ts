import { describe, expect, it } from 'vitest';
import { memoryStore } from './browser/storage';
import type { Early } from './core';
import {
  keepOrphan,
  MAX_ORPHAN_CHARS,
  MAX_ORPHANS,
  ORPHAN_PREFIX,
  shifted,
  type Orphan,
} from './orphan';

const page = {
  href: 'https://shop.example/cart',
  referrer: '',
  origin: 1_700_000_000_000,
  leftAt: 900,
  session: { id: 'abcd' },
};
const ids = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
const stored = (store: ReturnType<typeof memoryStore>, key: string): Orphan =>
  JSON.parse(store.get(key)!) as Orphan;

describe('keepOrphan', () => {
  it('keeps what the next page can send: errors as plain data, no clicks', () => {
    const store = memoryStore();
    const thrown = new TypeError('x is undefined');
    const event = {
      type: 'error',
      timeStamp: 120,
      message: 'Uncaught TypeError: x is undefined',
      filename: 'https://shop.example/app.js',
      lineno: 3,
      colno: 9,
      error: thrown,
      target: null,
    } as unknown as Event;
    const early: Early[] = [
      { type: 'error', event },
      { type: 'interaction', event: { type: 'click' } as Event, ids },
      { type: 'recordError', at: 300, error: new Error('api'), attributes: { k: 'v' } },
      { type: 'route', href: 'https://shop.example/pay', at: 400 },
    ];
    const key = keepOrphan(store, page, early, 'ffff')!;
    expect(key.startsWith(ORPHAN_PREFIX)).toBe(true);
    const orphan = stored(store, key);
    expect(orphan.entries.map((e) => e.type)).toEqual(['error', 'recordError', 'route']);
    const error = orphan.entries[0] as unknown as { event: Record<string, unknown> };
    expect(error.event.error).toEqual({
      name: 'TypeError',
      message: 'x is undefined',
      stack: thrown.stack,
    });
    expect(error.event.filename).toBe('https://shop.example/app.js');
    // and the next page, 500 ms of its clock later, gets Errors back on its own clock
    const back = shifted(orphan.entries[0]!, -500) as unknown as {
      event: { timeStamp: number; error: Error };
    };
    expect(back.event.timeStamp).toBe(-380);
    expect(back.event.error).toBeInstanceOf(Error);
    expect(back.event.error.message).toBe('x is undefined');
    const api = shifted(orphan.entries[1]!, -500) as { at: number; error: Error };
    expect(api.at).toBe(-200);
    expect(api.error.message).toBe('api');
  });

  it('stores nothing when the page load is taken and nothing else is left', () => {
    const store = memoryStore();
    expect(keepOrphan(store, { ...page, pageLoad: false }, [], '0001')).toBeUndefined();
    expect(store.keys()).toEqual([]);
    const key = keepOrphan(
      store,
      { ...page, pageLoad: false },
      [{ type: 'event', at: 5, name: 'checkout' }],
      '0002',
    )!;
    expect(stored(store, key).pageLoad).toBe(false);
    expect(stored(store, key).entries).toHaveLength(1);
  });

  it('halves the queue, oldest first kept, until it fits', () => {
    const store = memoryStore();
    const early: Early[] = Array.from({ length: 400 }, (_, i) => ({
      type: 'event' as const,
      at: i,
      name: `e${i}`,
      attributes: { pad: 'x'.repeat(200) },
    }));
    const orphan = stored(store, keepOrphan(store, page, early, '0003')!);
    expect(JSON.stringify(orphan).length).toBeLessThanOrEqual(MAX_ORPHAN_CHARS);
    // 400 entries of ~270 characters: 200 are still too many, 100 fit
    expect(orphan.entries).toHaveLength(100);
    expect(orphan.entries.map((e) => (e as { name: string }).name)).toEqual(
      early.slice(0, 100).map((e) => (e as { name: string }).name),
    );
  });

  it(`keeps at most ${MAX_ORPHANS} pages, dropping the oldest`, () => {
    const store = memoryStore();
    // keys sort by when they were stored: these five are older than the one stored below
    const older = Array.from({ length: 5 }, (_, i) => `${ORPHAN_PREFIX}${1_000 + i}-000${i}`);
    older.forEach((k) => store.set(k, '{}'));
    store.set('otel_rum_session', 'kept');
    const key = keepOrphan(store, page, [], 'ffff')!;
    const left = store.keys().filter((k) => k.startsWith(ORPHAN_PREFIX));
    expect(left.sort()).toEqual([...older.slice(-(MAX_ORPHANS - 1)), key].sort());
    expect(store.get('otel_rum_session')).toBe('kept');
  });
});
