import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore } from '../browser/storage';
import { createRelay } from './client';

const ORIGIN = 'https://shop.example';
const RELAY_SCRIPT = '/otel-rum-sw.js';

type Slot = 'active' | 'waiting' | 'installing';

/** `navigator.serviceWorker` of a page whose scope holds `workers` (none: no registration). */
function fakeServiceWorker(workers: Partial<Record<Slot, string>> | undefined) {
  const registration = workers && {
    scope: `${ORIGIN}/`,
    active: null,
    waiting: null,
    installing: null,
    ...Object.fromEntries(
      Object.entries(workers).map(([slot, script]) => [slot, { scriptURL: `${ORIGIN}${script}` }]),
    ),
  };
  const container = {
    controller: null,
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
    getRegistration: vi.fn(async () => registration),
    register: vi.fn(async () => registration ?? { scope: `${ORIGIN}/` }),
  };
  vi.stubGlobal('navigator', { serviceWorker: container });
  vi.stubGlobal('location', { href: `${ORIGIN}/cart` });
  return container;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('relay registration', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it.each<Slot>(['active', 'waiting', 'installing'])(
    'does not register over the app’s own service worker (%s), and says so once',
    async (slot) => {
      const container = fakeServiceWorker({ [slot]: '/app-sw.js' });
      createRelay(memoryStore(), RELAY_SCRIPT)?.stop();
      await settle();
      expect(container.getRegistration).toHaveBeenCalledWith(RELAY_SCRIPT);
      expect(container.register).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
      const message = String(warn.mock.calls[0]![0]);
      expect(message).toContain(`${ORIGIN}/app-sw.js`);
      expect(message).toContain("import { installRelay } from 'otel-rum/sw'");
    },
  );

  it('does not register when the app’s worker is active even if ours is waiting', async () => {
    const container = fakeServiceWorker({ active: '/app-sw.js', waiting: RELAY_SCRIPT });
    createRelay(memoryStore(), RELAY_SCRIPT)?.stop();
    await settle();
    expect(container.register).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['our own relay is registered', { active: RELAY_SCRIPT }],
    ['our own relay, an older version, is registered', { active: `${RELAY_SCRIPT}?v=1` }],
    ['the scope has no service worker', undefined],
  ])('registers (updates) the relay when %s', async (_, workers) => {
    const container = fakeServiceWorker(workers);
    createRelay(memoryStore(), RELAY_SCRIPT)?.stop();
    await settle();
    expect(container.register).toHaveBeenCalledWith(RELAY_SCRIPT);
    expect(warn).not.toHaveBeenCalled();
  });
});
