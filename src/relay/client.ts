import { reportInternalError, warn } from '../guard';
import type { KeyValueStore } from '../browser/storage';
import { RELAY_PROTOCOL, type RelayBatch, type RelayReply, type RelayRequest } from './protocol';

/** The script URL of the last controlling worker that answered our ping (this origin's storage). */
export const RELAY_KEY = 'otel_rum_relay';
const PING_TIMEOUT_MS = 5_000;
const RELAY_TIMEOUT_MS = 30_000;
const STATUS_TIMEOUT_MS = 3_000;

type Request = RelayRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'protocol'>
    : never
  : never;

export interface Relay {
  /** The page's controlling service worker runs the otel-rum relay. */
  ready(): boolean;
  /**
   * Hands a batch to the worker. `taken` runs once the worker has stored it; it never runs if the
   * page is gone first.
   */
  post(batch: RelayBatch, maxChars: number, taken: () => void, lost: () => void): void;
  /** Ids the worker holds or delivered; undefined when no relay worker answered. */
  status(ids: string[]): Promise<Set<string> | undefined>;
  /** Wakes the worker to send what it still holds (it stops between events); `online`: now. */
  nudge(online?: boolean): void;
  /** No controlling worker at all: nothing can be holding a batch for this page. */
  absent(): boolean;
  stop(): void;
}

/**
 * Consent withdrawn: the relay worker forgets what it holds, whether it controls this page or
 * only its scope (a page loaded without it, e.g. after a hard reload).
 */
export function clearRelay(store: KeyValueStore): void {
  store.remove(RELAY_KEY);
  const message = { protocol: RELAY_PROTOCOL, type: 'clear' };
  try {
    const container = navigator.serviceWorker;
    if (!container) return;
    if (container.controller) container.controller.postMessage(message);
    else
      void container
        .getRegistration()
        .then((registration) => registration?.active?.postMessage(message))
        .catch(reportInternalError);
  } catch (error) {
    reportInternalError(error);
  }
}

/**
 * Registers the relay script unless the scope it would take already has a service worker of the
 * app's: registering over it would replace the app's worker (ours calls `skipWaiting` and
 * `clients.claim`). Our own registration (the same script path, whatever its query) is updated.
 */
async function registerRelay(container: ServiceWorkerContainer, script: string): Promise<void> {
  // the registration whose scope covers the script's URL: the one at the scope it would take, or
  // a wider one that would lose the pages under it
  const existing = await container.getRegistration(script);
  const path = (url: string): string => new URL(url, location.href).pathname;
  const other = [existing?.active, existing?.waiting, existing?.installing].find(
    (worker) => worker && path(worker.scriptURL) !== path(script),
  );
  if (other) {
    warn(
      `serviceWorker: ${script} not registered, it would take over ${other.scriptURL}. Add the ` +
        `relay to that worker instead: import { installRelay } from 'otel-rum/sw'; installRelay(self)`,
    );
    return;
  }
  await container.register(script);
}

/**
 * Finds (and with `register`, installs) the otel-rum relay worker. Without a service worker
 * API, or with a worker that does not answer the ping, the page sends by itself.
 */
export function createRelay(store: KeyValueStore, register?: string): Relay | undefined {
  const container = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker;
  if (!container || typeof MessageChannel === 'undefined') return undefined;
  let answered: ServiceWorker | null = null;

  const ask = (
    worker: ServiceWorker,
    request: Request,
    timeoutMs: number,
  ): Promise<RelayReply | undefined> =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      const done = (reply?: RelayReply): void => {
        clearTimeout(timer);
        channel.port1.close();
        resolve(reply);
      };
      const timer = setTimeout(done, timeoutMs);
      channel.port1.onmessage = (event: MessageEvent<RelayReply>) => done(event.data);
      try {
        worker.postMessage({ protocol: RELAY_PROTOCOL, ...request }, [channel.port2]);
      } catch (error) {
        reportInternalError(error);
        done();
      }
    });

  const ping = (): void => {
    const worker = container.controller;
    if (!worker) return;
    void ask(worker, { type: 'ping' }, PING_TIMEOUT_MS).then((reply) => {
      if (!reply?.ok || container.controller !== worker) return;
      answered = worker;
      store.set(RELAY_KEY, worker.scriptURL);
    });
  };
  container.addEventListener('controllerchange', ping);
  ping();
  if (register) void registerRelay(container, register).catch(reportInternalError);

  return {
    ready() {
      const worker = container.controller;
      // a page closed before its ping came back still relays to the worker that answered before
      return !!worker && (worker === answered || store.get(RELAY_KEY) === worker.scriptURL);
    },
    post(batch, maxChars, taken, lost) {
      const worker = container.controller;
      if (!worker) return lost();
      void ask(worker, { type: 'relay', batch, maxChars }, RELAY_TIMEOUT_MS).then((reply) =>
        reply?.ok ? taken() : lost(),
      );
    },
    async status(ids) {
      const worker = container.controller;
      const reply = worker && (await ask(worker, { type: 'status', ids }, STATUS_TIMEOUT_MS));
      return reply?.ok ? new Set(reply.known ?? []) : undefined;
    },
    absent: () => !container.controller,
    nudge(online) {
      const worker = container.controller;
      if (worker && worker === answered)
        worker.postMessage({ protocol: RELAY_PROTOCOL, type: online ? 'online' : 'ping' });
    },
    stop() {
      container.removeEventListener('controllerchange', ping);
    },
  };
}
