import { context } from '@opentelemetry/api';
import {
  currentUrl,
  hasWindow,
  isHidden,
  listen,
  perfNow,
  watchDocument,
  timeOrigin,
  type Stop,
} from './browser/dom';
import { navigationEntry, takeVitals } from './browser/observe';
import { keepOrphan } from './orphan';
import { patchHistory } from './browser/history';
import { patchHttp, type HttpHandler } from './browser/http-patch';
import { createStore, forgetStored, memoryStore } from './browser/storage';
import { afterLoad, afterNextPaint } from './browser/timing';
import { resolveConfig, type ResolvedConfig } from './config';
import type {
  ConsentStore,
  Core,
  Early,
  EarlyReaction,
  EarlyRequest,
  Full,
  FullModule,
  SpanIds,
} from './core';
import { guard, safely, setDebug, warn } from './guard';
import { INSTANCE_KEY } from './instance';
import { createInteractionContextManager } from './interaction-context';
import { DEAD_CLICK_WINDOW_MS, INTERACTION_WINDOW_MS, INTERACTIVE } from './interaction-targets';
import { clearRelay } from './relay/client';
import { randomHex } from './session/sampling';
import { createSessionManager, type Session } from './session/session';
import type { Consent, Rum, RumAttributes, RumOptions, RumUser } from './types';
import { requestFilter } from './url-match';

/**
 * The critical path: what must run before the page's own code, small and synchronous. It takes
 * the session and sampling decision, listens (errors, rejections, clicks, route changes, the first
 * hidden moment), puts `traceparent` on the first requests, and queues what it sees. The rest of
 * the SDK (src/full.ts: span building, instrumentations, the sender) loads after the load event
 * in idle time, never for an unsampled session nor before consent, and turns the queue into the
 * same spans, with their real timestamps and ids.
 */

/** Every key the SDK stores (session, outbox, relay state) starts with it. */
const STORAGE_PREFIX = 'otel_rum';
/** Real user input: the only thing that keeps a session alive (our own telemetry does not). */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'scroll', 'touchstart', 'wheel'] as const;
/** Events kept for the rest of the SDK at most (a page that fails in a loop before load). */
export const MAX_EARLY = 500;
/** The rest loads in idle time after load, or after this long at the latest. */
const IDLE_TIMEOUT_MS = 2_000;
/** A failed load of the rest is reported once the page has stayed open this long after it. */
const LOAD_FAILURE_GRACE_MS = 500;

let loadFull: ((config: ResolvedConfig) => Promise<FullModule>) | undefined;

/** How this build brings in the rest: a dynamic import, a script next to the loader, or bundled. */
export function setFullLoader(load: (config: ResolvedConfig) => Promise<FullModule>): void {
  loadFull = load;
}

const noop: Rum = {
  setUser() {},
  clearUser() {},
  trackEvent() {},
  recordError() {},
  setConsent() {},
  getSessionId: () => '',
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Storage that stays in memory until consent is granted, then moves to the configured kind, and
 * back to memory for good when consent is withdrawn.
 */
function consentAwareStore(config: ResolvedConfig): ConsentStore {
  let backing = config.consent === 'granted' ? createStore(config.session.storage) : memoryStore();
  return {
    get kind() {
      return backing.kind;
    },
    get: (k) => backing.get(k),
    set: (k, v) => backing.set(k, v),
    remove: (k) => backing.remove(k),
    keys: () => backing.keys(),
    upgrade() {
      if (backing.kind !== 'memory' || config.session.storage === 'memory') return;
      const held = backing;
      backing = createStore(config.session.storage);
      for (const key of held.keys()) backing.set(key, held.get(key)!);
    },
    forget() {
      backing = memoryStore();
      forgetStored(STORAGE_PREFIX);
    },
  };
}

const newIds = (parent?: SpanIds): SpanIds => ({
  traceId: parent?.traceId ?? randomHex(16),
  spanId: randomHex(8),
  parentSpanId: parent?.spanId,
});

function start(config: ResolvedConfig): Rum {
  setDebug(config.debug);
  let consent: Consent = config.consent;
  let user: RumUser | undefined;
  let full: Full | undefined;
  let loading: Promise<Full | undefined> | undefined;
  let scheduled: Stop | undefined;
  let shutDown = false;
  let hiddenAt = isHidden() ? 0 : Infinity;
  /** Between a `pagehide` that is not for the back/forward cache and the page's end. */
  let closing = false;
  /** Stored as this page left (see keepForNextPage); back from the back/forward cache, ours again. */
  let orphanKey: string | undefined;
  /** This document's page load and vitals are sent (see Core.documentSent). */
  let documentSent = false;
  const href = currentUrl();

  /** Queued for the rest of the SDK until it takes over; then handed to `sink` as it happens. */
  let early: Early[] | undefined = [];
  let sink: ((entry: Early) => void) | undefined;
  const queue = (entry: Early): void => {
    entry.user = user;
    if (sink) sink(entry);
    else if (early) {
      early.push(entry);
      if (early.length > MAX_EARLY) early.shift();
    }
  };

  const store = consentAwareStore(config);
  const session = createSessionManager({
    store,
    inactivityTimeoutMs: config.session.inactivityTimeoutMs,
    maxDurationMs: config.session.maxDurationMs,
    sampleRate: config.sessionSampleRate,
    alwaysSample: config.alwaysSample,
    onNewSession: (s: Session) => {
      if (full) full.onNewSession(s);
      else queue({ type: 'session', session: s });
      if (s.sampled) begin();
    },
  });

  // fetch and XHR: patched once, served by whoever holds the handler (ours until the rest loads)
  let httpHandler: HttpHandler | undefined;
  let unpatchHttp: Stop | undefined;
  let lastClick: { ids: SpanIds; at: number } | undefined;
  /** Queued clicks and submits still waiting for the page's reaction: a request is one. */
  const awaitingReaction = new Set<() => void>();
  const requests = requestFilter(config);
  const on = config.instrumentations;
  const earlyHttp: HttpHandler = {
    start(info) {
      if (!requests.traced(info.url)) return undefined;
      // a request a click started (within the interaction window) is that click's child
      const click =
        lastClick && info.startTime - lastClick.at < INTERACTION_WINDOW_MS ? lastClick : undefined;
      if (!(info.kind === 'fetch' ? on.fetch : on.xhr)) return undefined;
      awaitingReaction.forEach((reacted) => reacted());
      const request: EarlyRequest = { info, ids: newIds(click?.ids) };
      queue({ type: 'request', request });
      const { traceId, spanId } = request.ids;
      return {
        headers: requests.propagates(info.url)
          ? { traceparent: `00-${traceId}-${spanId}-01` }
          : undefined,
        end(result) {
          request.result = result;
          request.done?.(result);
        },
      };
    },
  };

  /** The critical path's listeners: they queue, then serve the rest of the SDK. */
  let recording: Stop[] | undefined;
  const record = (): void => {
    if (recording) return;
    // Queued clicks and route changes take the paint that followed them: the end of their spans
    // (the rest, once loaded, watches for the page's reaction itself).
    const withPaint = (entry: Early & { paintedAt?: number }): void => {
      if (!sink) afterNextPaint(() => (entry.paintedAt = perfNow()));
      queue(entry);
    };
    const onRoute = (): void => withPaint({ type: 'route', href: currentUrl(), at: perfNow() });
    /** The first DOM change or request within the dead-click window, as the rest would watch. */
    const watchReaction = (): EarlyReaction => {
      const reaction: EarlyReaction = {};
      const settle = (dead: boolean): void => {
        if (!reaction.stop) return;
        reaction.stop();
        if (dead) reaction.dead = true;
        else reaction.at = perfNow();
      };
      const reacted = (): void => settle(false);
      const timer = setTimeout(() => settle(true), DEAD_CLICK_WINDOW_MS);
      const stopWatching = watchDocument(reacted);
      reaction.stop = () => {
        reaction.stop = undefined;
        clearTimeout(timer);
        stopWatching();
        awaitingReaction.delete(reacted);
      };
      awaitingReaction.add(reacted);
      return reaction;
    };
    const onInput = (event: Event): void => {
      const target = event.target as Element | null;
      if (!event.isTrusted || !target || typeof target.closest !== 'function') return;
      if (event.type === 'click' && !target.closest(INTERACTIVE)) return;
      const ids = newIds();
      lastClick = { ids, at: event.timeStamp };
      // handed over already: the rest watches the reaction itself
      withPaint({ type: 'interaction', event, ids, reaction: sink ? undefined : watchReaction() });
    };
    const onError = (event: Event): void => {
      // our own lazy script failing (a page being left cancels it in Firefox and WebKit)
      if (!(event.target as HTMLElement | null)?.dataset?.otelRum) queue({ type: 'error', event });
    };
    recording = [];
    // capture phase: failed resource loads do not bubble to window
    if (on.errors) {
      recording.push(
        listen(window, 'error', onError),
        listen(window, 'unhandledrejection', onError),
      );
    }
    if (on.interactions) {
      recording.push(listen(document, 'click', onInput), listen(document, 'submit', onInput));
    }
    if (on.navigation) {
      recording.push(
        patchHistory(onRoute),
        listen(window, 'popstate', onRoute),
        listen(window, 'hashchange', onRoute),
      );
    }
    if (on.fetch || on.xhr) {
      httpHandler = earlyHttp;
      unpatchHttp ??= patchHttp(() => httpHandler);
    }
  };
  const releaseContext = (): void => {
    if (ownsContext) context.disable();
    ownsContext = false;
  };
  const stopRecording = (): void => {
    recording?.forEach((stop) => stop());
    recording = undefined;
  };

  // Ours goes global only where the app has none of its own; where it has, ours stays local and
  // the app's is used (fetch/XHR spans still find the click through the rest's underInteraction).
  const contextManager = createInteractionContextManager();
  let ownsContext = false;
  const core: Core = {
    contextManager,
    config,
    store,
    session,
    href,
    consent: () => consent,
    user: () => user,
    get hiddenAt() {
      return hiddenAt;
    },
    get documentSent() {
      return documentSent;
    },
    markDocumentSent() {
      documentSent = true;
    },
    get closing() {
      return closing;
    },
    handOver(next) {
      sink = next;
      const taken = early ?? [];
      early = next ? undefined : [];
      if (next) taken.forEach((entry) => safely(() => next(entry)));
    },
    setHttpHandler(handler) {
      httpHandler = handler;
    },
  };

  const loadNow = (): Promise<Full | undefined> => {
    scheduled?.();
    if (!loading) {
      const load = loadFull;
      loading = (
        load
          ? // arrived as the page was being closed: nothing starts in a dying document
            load(config).then((m) => (closing ? undefined : m.startFull(core)))
          : Promise.reject(new Error('no loader'))
      )
        .then((started) => {
          if (!started) return undefined;
          full = started;
          if (shutDown) void started.shutdown();
          return started;
        })
        .catch((error: unknown) => {
          // What was queued stays, and the page goes on queueing (bounded): as it closes, it is
          // stored for the next page. Firefox and WebKit fail the pending request as the page is
          // being left, before its `pagehide`: this is how a page closed early is kept there,
          // and why only a page still open a moment later warns.
          setTimeout(() => {
            if (!closing) warn(`could not load the rest of the SDK: ${String(error)}`);
          }, LOAD_FAILURE_GRACE_MS);
          return undefined;
        });
    }
    return loading;
  };
  /** After the load event, in idle time: the page's own start-up comes first. */
  const schedule = (): void => {
    if (scheduled || loading) return;
    const idle = (run: () => void): void => {
      if (typeof requestIdleCallback === 'function') {
        const id = requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
        scheduled = () => cancelIdleCallback(id);
      } else {
        const id = setTimeout(run, 1);
        scheduled = () => clearTimeout(id);
      }
    };
    scheduled = afterLoad(() => idle(() => void loadNow()));
  };
  /**
   * Closed before the rest loaded (or before it took the queue over): the page view and what was
   * queued wait in storage for the next page that loads the rest (src/orphan.ts). The page load
   * is left to the rest if it had tracked it already.
   */
  const keepForNextPage = (): string | undefined =>
    safely(() => {
      const s = session.current();
      const page = {
        href,
        referrer: document.referrer,
        origin: timeOrigin(),
        leftAt: perfNow(),
        session: { id: s.id, previousId: s.previousId },
        navigation: navigationEntry()?.toJSON() as Record<string, unknown> | undefined,
        pageLoad: !documentSent,
        // web-vitals, in the rest, never watched this page: its entries are taken as it closes
        vitals: documentSent ? undefined : safely(() => takeVitals(hiddenAt)),
      };
      return keepOrphan(store, page, early ?? [], randomHex(4));
    });

  /** A sampled session with consent not refused: listen now, load the rest once consent allows. */
  function begin(): void {
    if (shutDown || consent === 'denied') return;
    ownsContext ||= context.setGlobalContextManager(contextManager.enable());
    record();
    if (consent === 'granted') schedule();
  }

  const listeners: Stop[] = ACTIVITY_EVENTS.map((type) =>
    listen(window, type, (event) => {
      if (event.isTrusted && consent !== 'denied') session.touch();
    }),
  );
  // A page hidden before the rest loaded: load it now, so what was queued goes out while it can
  // (and the rest knows that LCP and FCP ended there). Not a page being closed: the rest would
  // start in a document that is going away, and what it sent then might be sent again by the
  // next page (its requests fail on the dying page's side even when the collector took them).
  const onHide = (): void => {
    if (!isHidden()) return;
    hiddenAt = Math.min(hiddenAt, perfNow());
    if (!full && scheduled && !closing) void loadNow();
  };
  listeners.push(
    listen(window, 'visibilitychange', onHide),
    listen(window, 'pagehide', (event) => {
      // into the back/forward cache too: it may never come back
      closing = !(event as PageTransitionEvent).persisted;
      // the rest, until it has taken the queue over, sends only what it made itself
      if (!full && !sink && recording && consent === 'granted') orphanKey = keepForNextPage();
    }),
    listen(window, 'pageshow', () => {
      closing = false;
      if (!orphanKey) return;
      // another page sent what we stored: only what comes next is ours to send
      if (store.get(orphanKey) === null) {
        early = [];
        documentSent = true;
      } else store.remove(orphanKey);
      orphanKey = undefined;
    }),
  );

  if (consent !== 'denied' && session.current().sampled) begin();

  const active = (): boolean => !shutDown && consent !== 'denied';
  return {
    setUser: guard((next: RumUser) => {
      if (!next || typeof next.id !== 'string' || !next.id) {
        warn('setUser() needs { id: string }');
        return;
      }
      user = { id: next.id };
    }),
    clearUser: guard(() => {
      user = undefined;
    }),
    trackEvent: guard((name: string, attributes?: RumAttributes) => {
      if (!active()) return;
      if (full) full.trackEvent(name, attributes);
      else queue({ type: 'event', at: perfNow(), name, attributes });
    }),
    recordError: guard((error: unknown, attributes?: RumAttributes) => {
      if (!active()) return;
      if (full) full.recordError(error, attributes);
      else queue({ type: 'recordError', at: perfNow(), error, attributes });
    }),
    setConsent: guard((next: Consent) => {
      if (next !== 'granted' && next !== 'pending' && next !== 'denied') {
        warn(`setConsent() takes 'granted', 'pending' or 'denied', not ${String(next)}`);
        return;
      }
      consent = next;
      // storage first: what the rest queues on 'granted' must land in persistent storage
      if (next === 'granted') store.upgrade();
      full?.setConsent(next);
      if (next === 'granted') {
        if (session.current().sampled) begin();
      } else if (next === 'denied') {
        releaseContext();
        stopRecording();
        early = [];
        sink = undefined;
        httpHandler = undefined;
        session.clear();
        // Everything this origin ever stored for us (this page may have started pending, with
        // nothing of its own in storage): from now on nothing is written.
        store.forget();
        if (!full) clearRelay(store);
      }
    }),
    // no session is started (nor stored) once consent is denied
    getSessionId: () => (consent === 'denied' ? '' : (safely(() => session.current().id) ?? '')),
    flush: () => {
      if (full) return full.flush();
      if (!scheduled && !loading) return Promise.resolve();
      return loadNow().then((started) => started?.flush());
    },
    shutdown: async () => {
      if (shutDown) return;
      shutDown = true;
      // what was queued before the rest loaded is sent too
      const rest = full ?? (scheduled || loading ? await loadNow() : undefined);
      releaseContext();
      stopRecording();
      unpatchHttp?.();
      httpHandler = undefined;
      listeners.forEach((stop) => stop());
      await rest?.shutdown();
      delete (globalThis as Record<symbol, unknown>)[INSTANCE_KEY];
    },
  };
}

/**
 * Starts Real User Monitoring. Never throws: invalid options log one warning naming the option
 * and return an instance that does nothing. A second call returns the first instance.
 */
export function initRum(options: RumOptions): Rum {
  try {
    const g = globalThis as Record<symbol, Rum | undefined>;
    const existing = g[INSTANCE_KEY];
    if (existing) {
      warn('initRum() was called more than once; the first instance is returned');
      return existing;
    }
    if (!hasWindow()) return noop;
    const result = resolveConfig(options, location.origin);
    result.warnings.forEach(warn);
    if (!result.ok) {
      warn(`${result.error}; RUM is off`);
      return noop;
    }
    const rum = start(result.config);
    g[INSTANCE_KEY] = rum;
    return rum;
  } catch (error) {
    warn(`could not start: ${String(error)}`);
    return noop;
  }
}
