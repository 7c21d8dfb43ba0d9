import {
  context,
  propagation,
  SpanKind,
  type Attributes,
  type Context,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { SamplingDecision, type Sampler, type Span } from '@opentelemetry/sdk-trace-base';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { trace } from '@opentelemetry/api';
import { networkAttributes, resourceAttributes, staticSpanAttributes } from './attributes';
import { hasWindow, listen, type Stop } from './browser/dom';
import { createStore, forgetStored, memoryStore, type KeyValueStore } from './browser/storage';
import { resolveConfig, type ResolvedConfig } from './config';
import { createRumContext, holdOpen } from './context';
import { guard, safely, setDebug, warn } from './guard';
import { INSTANCE_KEY } from './instance';
import { createInteractionContextManager } from './interaction-context';
import { trackCustomEvent } from './instrumentations/custom-events';
import { createErrorTracker } from './instrumentations/errors';
import { trackHttp } from './instrumentations/http';
import { trackInteractions } from './instrumentations/interactions';
import { trackLongAnimationFrames } from './instrumentations/long-animation-frames';
import { trackRouteChanges } from './instrumentations/navigation';
import { trackPageLoads } from './instrumentations/page-load';
import { trackWebVitals } from './instrumentations/web-vitals';
import * as S from './semconv';
import { createSessionManager, type Session } from './session/session';
import { createExporter } from './transport/exporter';
import { createRumSpanProcessor } from './transport/processor';
import type { Consent, Rum, RumAttributes, RumOptions, RumUser } from './types';
import { VERSION } from './version';

/** Every key the SDK stores (session, outbox, relay state) starts with it. */
const STORAGE_PREFIX = 'otel_rum';

/** Real user input: the only thing that keeps a session alive (our own telemetry does not). */
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'scroll', 'touchstart', 'wheel'] as const;

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
function consentAwareStore(
  config: ResolvedConfig,
): KeyValueStore & { upgrade(): void; forget(): void } {
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

/**
 * A tracer provider whose spans start under the latest interaction when nothing else is active.
 * With our context manager global this changes nothing; with the app's own (registered before
 * initRum), its `active()` knows nothing of our clicks, and fetch/XHR spans would start new traces.
 */
function underInteraction(
  provider: TracerProvider,
  interactions: { interaction(): Context | undefined },
): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options);
      const startSpan: Tracer['startSpan'] = (spanName, spanOptions, parent = context.active()) =>
        tracer.startSpan(
          spanName,
          spanOptions,
          trace.getSpan(parent) ? parent : (interactions.interaction() ?? parent),
        );
      return { startSpan, startActiveSpan: tracer.startActiveSpan.bind(tracer) } as Tracer;
    },
  };
}

function start(config: ResolvedConfig): Rum {
  setDebug(config.debug);
  let user: RumUser | undefined;
  let consent: Consent = config.consent;
  let tracking: { stop(): void }[] = [];

  const store = consentAwareStore(config);
  const session = createSessionManager({
    store,
    inactivityTimeoutMs: config.session.inactivityTimeoutMs,
    maxDurationMs: config.session.maxDurationMs,
    sampleRate: config.sessionSampleRate,
    alwaysSample: config.alwaysSample,
    // Runs on the first `current()`, which comes after the tracer below exists.
    onNewSession: (s) => onNewSession(s),
  });

  const staticAttrs = staticSpanAttributes();
  const openRequests = new Map<Span, () => void>();
  const spanAttributes = (): Attributes => {
    const s = session.current();
    return {
      ...config.attributes,
      ...staticAttrs,
      ...networkAttributes(),
      // spans started outside ctx.startSpan (fetch/XHR, session_start) get the current view
      [S.ATTR_PAGE_VIEW_ID]: ctx.currentView.id,
      [S.ATTR_PAGE_URL]: ctx.currentView.url,
      [S.ATTR_PAGE_ROUTE]: ctx.currentView.route,
      [S.ATTR_SESSION_ID]: s.id,
      ...(s.previousId ? { [S.ATTR_SESSION_PREVIOUS_ID]: s.previousId } : {}),
      ...(user ? { [S.ATTR_USER_ID]: user.id } : {}),
    };
  };
  // Unsampled sessions get non-recording spans: no attributes, no processing, nothing exported.
  const sampler: Sampler = {
    shouldSample: () => ({
      decision: session.current().sampled
        ? SamplingDecision.RECORD_AND_SAMPLED
        : SamplingDecision.NOT_RECORD,
    }),
    toString: () => 'RumSessionSampler',
  };
  const exporter = createExporter({
    endpoint: config.endpoint,
    headers: config.headers,
    consent,
    store,
    outboxMaxChars: config.outboxMaxBytes,
    serviceWorker: config.serviceWorker,
    // the outbox bound dropped old batches while the collector was unreachable: say so
    onDropped: (dropped) =>
      tracer
        .startSpan(S.SPAN_OUTBOX_OVERFLOW, {
          attributes: {
            [S.ATTR_OUTBOX_DROPPED_SPANS]: dropped.spans,
            [S.ATTR_OUTBOX_DROPPED_BATCHES]: dropped.batches,
          },
        })
        .end(),
  });
  const processor = createRumSpanProcessor({
    exporter,
    flushIntervalMs: config.flushIntervalMs,
    spanAttributes,
    beforeSend: config.beforeSend,
    scrubUrl: (url) => ctx.scrub(url),
    urlTemplate: (url) => ctx.route(url),
    // fetch and XHR spans are the only CLIENT spans: count requests in flight for error context
    // and dead-click detection
    onStart: (span) => {
      if (span.kind !== SpanKind.CLIENT) return;
      ctx.requestsInFlight++;
      ctx.requestListeners.forEach((listener) => listener());
      // The fetch instrumentation ends its span 300 ms after the response (to collect Resource
      // Timing); a page that unloads sooner must not lose the request: end it on hide.
      openRequests.set(
        span,
        holdOpen(ctx, () => {
          if (span.attributes['http.response.status_code'] === undefined) {
            span.setAttribute(S.ATTR_HTTP_UNFINISHED, true);
          }
          span.end();
        }),
      );
    },
    onEnd: (span) => {
      if (span.kind !== SpanKind.CLIENT) return;
      ctx.requestsInFlight = Math.max(0, ctx.requestsInFlight - 1);
      const hold = openRequests.get(span as unknown as Span);
      openRequests.delete(span as unknown as Span);
      if (hold) ctx.open.delete(hold);
    },
    // A span that ends while the page is hidden (a late long-frame entry, a vital reported after
    // our hide flush) may be the last thing this page does: hand it to the sender before the task
    // ends. One flush for all that ends in the same callback (web-vitals reports CLS and INP
    // together on hide): its microtask checkpoint comes before anything else can run.
    afterEnd: () => {
      if (document.visibilityState !== 'hidden' || flushing || flushQueued) return;
      flushQueued = true;
      queueMicrotask(() => {
        flushQueued = false;
        safely(() => void flush(true));
      });
    },
  });
  const provider = new WebTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes(config))),
    sampler,
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('otel-rum', VERSION);
  const contextManager = createInteractionContextManager();
  const ctx = createRumContext(config, tracer, session, contextManager.interaction);
  const errors = createErrorTracker(ctx);

  /**
   * Hands everything buffered to the sender. With `urgent` (page hiding or unloading) the batch
   * processor exports synchronously and the sender fires keepalive requests before returning.
   */
  let flushing = false;
  let flushQueued = false;
  const flush = (urgent = false): Promise<void> => {
    flushing = true;
    try {
      if (urgent) {
        ctx.onHide.forEach((hook) => safely(hook));
        ctx.open.forEach((end) => safely(end));
      }
      errors.flush();
      const flushed = processor.forceFlush().catch(() => undefined);
      exporter.pump(urgent);
      return flushed;
    } finally {
      flushing = false;
    }
  };

  function onNewSession(s: Session): void {
    if (!s.sampled) return;
    tracer.startSpan(S.SPAN_SESSION_START, { startTime: s.startedAt }).end();
    startTracking();
  }

  /** Only sampled sessions (with consent) observe anything beyond what the decision needs. */
  function startTracking(): void {
    if (tracking.length || consent === 'denied') return;
    const on = config.instrumentations;
    // Our context manager and propagator go global only where the app has none of its own;
    // where it has, ours stay local and the app's are used (fetch/XHR spans still find the
    // click through underInteraction).
    const ownsContext = context.setGlobalContextManager(contextManager.enable());
    const ownsPropagation = propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const frames = on.longAnimationFrames ? trackLongAnimationFrames(ctx) : undefined;
    tracking = [
      on.pageLoad && trackPageLoads(ctx),
      on.webVitals && trackWebVitals(ctx, frames),
      on.navigation && trackRouteChanges(ctx),
      on.errors && errors.listen(),
      on.interactions &&
        trackInteractions(ctx, (span, windowMs) =>
          contextManager.setInteraction(trace.setSpan(ctx.rootContext(), span), windowMs),
        ),
      (on.fetch || on.xhr) && trackHttp(ctx, underInteraction(provider, contextManager)),
      frames,
      {
        stop() {
          if (ownsContext) context.disable();
          if (ownsPropagation) propagation.disable();
        },
      },
    ].filter((t): t is { stop(): void } => !!t);
  }
  const stopTracking = (): void => {
    tracking.forEach((t) => safely(() => t.stop()));
    tracking = [];
  };

  const listeners: Stop[] = ACTIVITY_EVENTS.map((type) =>
    listen(window, type, (event) => {
      if (event.isTrusted && consent !== 'denied') session.touch();
    }),
  );
  // Bubble phase on window: runs after web-vitals' capture listeners have reported final values.
  /** Between a `pagehide` that is not for the back/forward cache and the end of the unload. */
  let closing = false;
  const onHidden = (): void => {
    if (document.visibilityState !== 'hidden') return;
    void flush(true);
    // On close, browsers fire pagehide, then visibilitychange with the final vitals (just sent).
    if (closing) unloaded();
  };
  /**
   * The unload is over. Chromium still runs a closed page's observer callbacks for tens of ms and
   * may stop it in the middle of one: nothing is observed any more (a late long frame or INP update
   * would be a span that might not survive its own task), and a span that still ends is stored for
   * the next page, never sent from the dead page.
   */
  const unloaded = (): void => {
    stopTracking();
    exporter.unload();
  };
  listeners.push(listen(window, 'visibilitychange', onHidden, { capture: false }));
  listeners.push(
    listen(
      window,
      'pagehide',
      (event) => {
        void flush(true);
        exporter.release();
        if ((event as PageTransitionEvent).persisted) return;
        // already hidden (a background tab closed): no visibilitychange follows
        if (document.visibilityState === 'hidden') unloaded();
        else closing = true;
      },
      { capture: false },
    ),
    listen(window, 'pageshow', (event) => {
      closing = false;
      if ((event as PageTransitionEvent).persisted) exporter.reclaim();
    }),
  );

  if (consent !== 'denied' && session.current().sampled) startTracking();

  const active = (): boolean => !shutDown && consent !== 'denied';
  let shutDown = false;
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
      if (active()) trackCustomEvent(ctx, name, attributes);
    }),
    recordError: guard((error: unknown, attributes?: RumAttributes) => {
      if (active()) errors.report(error, 'api', attributes);
    }),
    setConsent: guard((next: Consent) => {
      if (next !== 'granted' && next !== 'pending' && next !== 'denied') {
        warn(`setConsent() takes 'granted', 'pending' or 'denied', not ${String(next)}`);
        return;
      }
      consent = next;
      // storage first: what the exporter queues on 'granted' must land in persistent storage
      if (next === 'granted') store.upgrade();
      exporter.setConsent(next);
      if (next === 'granted') {
        if (session.current().sampled) startTracking();
      } else if (next === 'denied') {
        stopTracking();
        session.clear();
        // Everything this origin ever stored for us (this page may have started pending, with
        // nothing of its own in storage): from now on nothing is written.
        store.forget();
      }
    }),
    // no session is started (nor stored) once consent is denied
    getSessionId: () => (consent === 'denied' ? '' : (safely(() => session.current().id) ?? '')),
    flush: () => flush().then(() => exporter.settle(10_000)),
    shutdown: async () => {
      if (shutDown) return;
      shutDown = true;
      stopTracking();
      listeners.forEach((stop) => stop());
      await flush();
      await exporter.settle(10_000);
      await provider.shutdown().catch(() => undefined);
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
