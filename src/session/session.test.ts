import { describe, expect, it, vi } from 'vitest';
import { memoryStore, type KeyValueStore } from '../browser/storage';
import { createSessionManager, SESSION_STORAGE_KEY, type Session } from './session';
import { isSampled, sessionHash } from './sampling';

const MIN = 60_000;

function setup(overrides: Partial<Parameters<typeof createSessionManager>[0]> = {}) {
  let t = 1_000_000;
  const store = overrides.store ?? memoryStore();
  const started: Session[] = [];
  const manager = createSessionManager({
    store,
    inactivityTimeoutMs: 15 * MIN,
    maxDurationMs: 240 * MIN,
    sampleRate: 1,
    now: () => t,
    onNewSession: (s) => started.push(s),
    ...overrides,
  });
  return { manager, store, started, advance: (ms: number) => (t += ms) };
}

describe('sessions', () => {
  it('starts one session and keeps it while the user is active', () => {
    const { manager, started, advance } = setup();
    const id = manager.current().id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (let i = 0; i < 20; i++) {
      advance(10 * MIN);
      manager.touch();
    }
    expect(manager.current().id).toBe(id);
    expect(started).toHaveLength(1);
  });

  it('rolls over after inactivity, linking the previous session', () => {
    const { manager, started, advance } = setup();
    const first = manager.current().id;
    advance(15 * MIN);
    const second = manager.current();
    expect(second.id).not.toBe(first);
    expect(second.previousId).toBe(first);
    expect(started).toHaveLength(2);
  });

  it('does not extend the session on reads (our own telemetry), only on touch (user input)', () => {
    const { manager, advance } = setup();
    const first = manager.current().id;
    for (let i = 0; i < 14; i++) {
      advance(MIN);
      manager.current();
    }
    advance(MIN);
    expect(manager.current().id).not.toBe(first);
  });

  it('ends at the maximum duration even with constant activity', () => {
    const { manager, advance } = setup();
    const first = manager.current().id;
    for (let i = 0; i < 24; i++) {
      advance(10 * MIN);
      manager.touch();
    }
    expect(manager.current().id).not.toBe(first);
    expect(manager.current().previousId).toBe(first);
  });

  it('is shared through storage: a second tab sees the same session and its activity', () => {
    const store = memoryStore();
    let t = 0;
    const common = {
      store,
      inactivityTimeoutMs: 15 * MIN,
      maxDurationMs: 240 * MIN,
      sampleRate: 1,
      now: () => t,
    };
    const tabA = createSessionManager(common);
    const tabB = createSessionManager(common);
    const id = tabA.current().id;
    expect(tabB.current().id).toBe(id);
    t += 10 * MIN;
    tabB.touch(); // activity in tab B keeps tab A's session alive
    t += 10 * MIN;
    expect(tabA.current().id).toBe(id);
  });

  it('survives storage that throws or holds garbage', () => {
    const throwing: KeyValueStore = {
      kind: 'localStorage',
      get: () => {
        throw new Error('SecurityError');
      },
      set: () => {
        throw new Error('QuotaExceededError');
      },
      remove: () => {},
      keys: () => [],
    };
    const safe: KeyValueStore = {
      kind: 'localStorage',
      get: (k) => {
        try {
          return throwing.get(k);
        } catch {
          return null;
        }
      },
      set: () => {},
      remove: () => {},
      keys: () => [],
    };
    const { manager } = setup({ store: safe });
    const id = manager.current().id;
    expect(manager.current().id).toBe(id); // kept in memory
    const garbage = memoryStore();
    garbage.set(SESSION_STORAGE_KEY, '{not json');
    expect(setup({ store: garbage }).manager.current().id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('decides sampling once per session, from the id', () => {
    const { manager } = setup({ sampleRate: 0.5 });
    const s = manager.current();
    expect(s.sampled).toBe(isSampled(s.id, 0.5));
    const none = setup({ sampleRate: 0 }).manager.current();
    expect(none.sampled).toBe(false);
    const forced = setup({ sampleRate: 0, alwaysSample: () => true }).manager.current();
    expect(forced.sampled).toBe(true);
    const throwing = setup({
      sampleRate: 0,
      alwaysSample: () => {
        throw new Error('x');
      },
    });
    expect(throwing.manager.current().sampled).toBe(false);
  });

  it('clear() forgets the session', () => {
    const { manager, store } = setup();
    const id = manager.current().id;
    manager.clear();
    expect(store.get(SESSION_STORAGE_KEY)).toBeNull();
    expect(manager.current().id).not.toBe(id);
  });

  it('throttles activity writes', () => {
    const store = memoryStore();
    const set = vi.spyOn(store, 'set');
    const { manager, advance } = setup({ store });
    manager.current();
    set.mockClear();
    for (let i = 0; i < 100; i++) {
      advance(5);
      manager.touch();
    }
    expect(set.mock.calls.length).toBeLessThanOrEqual(1);
  });
});

describe('sampling', () => {
  it('is deterministic and close to the rate over many ids', () => {
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => `${i.toString(16).padStart(8, '0')}a1b2c3d4e5f60718293a4b5c`,
    );
    for (const id of ids.slice(0, 50)) expect(isSampled(id, 0.3)).toBe(isSampled(id, 0.3));
    const share = ids.filter((id) => isSampled(id, 0.3)).length / ids.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
  });

  it('nests: a session kept at 10% is also kept at 50%', () => {
    for (let i = 0; i < 1000; i++) {
      const id = `session-${i}`;
      if (isSampled(id, 0.1)) expect(isSampled(id, 0.5)).toBe(true);
    }
  });

  it('maps ids into [0, 1)', () => {
    for (const id of ['', 'a', 'ffffffffffffffff']) {
      expect(sessionHash(id)).toBeGreaterThanOrEqual(0);
      expect(sessionHash(id)).toBeLessThan(1);
    }
  });
});
