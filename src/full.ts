import {
  context,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { networkAttributes, resourceAttributes, staticSpanAttributes } from './attributes';
import { isHidden, listen, timeOrigin, unlessLocked, type Stop } from './browser/dom';
import type { Core, Early, Full } from './core';
import type { RumUser } from './types';
import { createRumContext, holdOpen } from './context';
import { reportInternalError, safely, setDebug } from './guard';
import { trackCustomEvent } from './instrumentations/custom-events';
import { createErrorTracker } from './instrumentations/errors';
import { httpHandler } from './instrumentations/http';
import { trackInteractions } from './instrumentations/interactions';
import { trackLongAnimationFrames } from './instrumentations/long-animation-frames';
import { trackRouteChanges } from './instrumentations/navigation';
import { orphanPageLoad, trackPageLoads } from './instrumentations/page-load';
import { ORPHAN_LOCK, ORPHAN_PREFIX, shifted, type Orphan } from './orphan';
import { sendTakenVitals, trackWebVitals } from './instrumentations/web-vitals';
import * as S from './semconv';
import type { Session } from './session/session';
import { createTracerProvider, type SdkSpan as Span } from './trace';
import { createExporter } from './transport/exporter';
import type { Dropped } from './transport/outbox';
import { createRumSpanProcessor } from './transport/processor';
import { VERSION } from './version';

/**
 * The rest of the SDK, loaded after the page's load event by the critical path (src/loader.ts):
 * span building, the instrumentations, the sender and its outbox. It starts in slices that yield
 * to the page between them, then takes over the critical path's listeners and turns what they
 * queued into spans with their real timestamps and ids.
 */

/** Ends the current task: the page's own work (input, rendering) runs between our slices. */
const yieldToPage = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

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

export async function startFull(core: Core): Promise<Full> {
  const { config, store, session } = core;
  setDebug(config.debug);
  let tracking: { stop(): void }[] = [];

  const staticAttrs = staticSpanAttributes();
  /** The user when what is being handled happened (it may have been queued), else now. */
  const user = (): RumUser | undefined => (replaying ? replaying.user : core.user());
  /** The session of what is being sent: a page's stored before we loaded (if so), else ours. */
  const sessionOf = (): { id: string; previousId?: string } =>
    adopting?.session ?? session.current();
  const openRequests = new Map<Span, () => void>();
  const spanAttributes = (): Attributes => {
    const s = sessionOf();
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
      ...(user() ? { [S.ATTR_USER_ID]: user()!.id } : {}),
    };
  };
  let tracerReady = false;
  const droppedEarly: Dropped[] = [];
  const exporter = createExporter({
    endpoint: config.endpoint,
    headers: config.headers,
    consent: core.consent(),
    store,
    outboxMaxChars: config.outboxMaxBytes,
    serviceWorker: config.serviceWorker,
    // the outbox bound dropped old batches while the collector was unreachable: say so (once
    // the tracer below exists: the sender may answer before)
    onDropped: (dropped) => (tracerReady ? overflow(dropped) : droppedEarly.push(dropped)),
  });
  /**
   * The page began to close while we were starting (between two slices): nothing more starts in
   * a dying document (the loader stored what it queued for the next page), and what the sender
   * took is stored, not sent.
   */
  const stopIfClosing = (): void => {
    if (!core.closing) return;
    exporter.release();
    exporter.unload();
    throw new Error('the page is closing');
  };
  const overflow = (dropped: Dropped): void =>
    tracer
      .startSpan(S.SPAN_OUTBOX_OVERFLOW, {
        attributes: {
          [S.ATTR_OUTBOX_DROPPED_SPANS]: dropped.spans,
          [S.ATTR_OUTBOX_DROPPED_BATCHES]: dropped.batches,
        },
      })
      .end();
  // the outbox's first look at storage (and the adoption of other pages' batches) is a task alone
  await yieldToPage();
  stopIfClosing();
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
      // A request still in flight (or waiting for its Resource Timing entry) when the page
      // unloads must not be lost: end it on hide.
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
  const provider = createTracerProvider({
    resource: resourceAttributes(config),
    // Unsampled sessions get non-recording spans: no attributes, no processing, nothing exported.
    sample: () => session.current().sampled,
    processor,
  });
  const tracer = provider.getTracer('otel-rum', VERSION);
  tracerReady = true;
  droppedEarly.splice(0).forEach(overflow);
  const { contextManager } = core;
  const ctx = createRumContext(config, tracer, session, contextManager.interaction, core.href);
  const errors = createErrorTracker(ctx);
  await yieldToPage();
  stopIfClosing();

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

  /** Only sampled sessions (with consent) observe anything beyond what the decision needs. */
  let interactions: ReturnType<typeof trackInteractions> | undefined;
  let routes: ReturnType<typeof trackRouteChanges> | undefined;
  let http: ReturnType<typeof httpHandler> | undefined;
  let generation = 0;
  async function startTracking(): Promise<void> {
    if (tracking.length || core.consent() === 'denied') return;
    const run = ++generation;
    const on = config.instrumentations;
    tracking.push({
      stop() {
        core.handOver(undefined);
        core.setHttpHandler(undefined);
      },
    });
    // the slow parts, each in its own task
    const frames = on.longAnimationFrames ? trackLongAnimationFrames(ctx) : undefined;
    if (frames) tracking.push(frames);
    // sent already: by the page that adopted this one as it left (it came back from the
    // back/forward cache), or by our own earlier start (consent withdrawn, then granted again)
    const documentSent = core.documentSent;
    if (on.pageLoad) {
      tracking.push(trackPageLoads(ctx, !documentSent));
      core.markDocumentSent();
    }
    await yieldToPage();
    if (run !== generation) return;
    // LCP and FCP end when the page is first hidden: web-vitals, started later, cannot know
    if (on.webVitals) {
      tracking.push(trackWebVitals(ctx, frames, { hiddenAt: core.hiddenAt, documentSent }));
      core.markDocumentSent();
    }
    await yieldToPage();
    if (run !== generation) return;
    // what the critical path listens to, queued so far and from now on
    if (on.navigation) routes = trackRouteChanges(ctx, core.href);
    if (on.interactions) {
      interactions = trackInteractions(ctx, (span, windowMs) =>
        contextManager.setInteraction(trace.setSpan(ctx.rootContext(), span), windowMs),
      );
    }
    if (on.fetch || on.xhr) {
      http = httpHandler(ctx, underInteraction(provider, contextManager));
      core.setHttpHandler(http);
    }
    // pages of this origin closed before they could load the rest, then this page's own
    adoptOrphans();
    core.handOver(handle);
  }

  /** Stored by pages closed before their rest loaded (src/orphan.ts): sent as theirs. */
  let adopting: Orphan | undefined;
  const adoptOrphans = (): void => {
    if (!tracking.length || !storedOrphans().length) return;
    // Every open tab of the origin hears of a stored page at once (the storage event), and each
    // tab's view of localStorage learns late of another's removal: one tab adopts, under a Web
    // Lock; a tab that finds it taken leaves the adoption to the holder.
    unlessLocked(ORPHAN_LOCK, () => tracking.length && adoptStored()).catch(reportInternalError);
  };
  const storedOrphans = (): string[] => store.keys().filter((k) => k.startsWith(ORPHAN_PREFIX));
  const adoptStored = (): void => {
    for (const key of storedOrphans().sort()) {
      const text = store.get(key);
      store.remove(key);
      safely(() => adopt(JSON.parse(text ?? 'null') as Orphan));
    }
  };
  const adopt = (orphan: Orphan): void => {
    if (!orphan?.href || !Array.isArray(orphan.entries)) return;
    // its times are relative to its own time origin: on our clock they are before ours
    const shift = orphan.origin - timeOrigin();
    const { documentView, currentView } = ctx;
    const view = { ...ctx.newPageView(orphan.href), at: shift };
    ctx.documentView = ctx.currentView = view;
    adopting = orphan;
    try {
      if (config.instrumentations.pageLoad && orphan.pageLoad !== false) {
        orphanPageLoad(ctx, view, orphan, shift);
      }
      if (config.instrumentations.webVitals && orphan.vitals) {
        sendTakenVitals(ctx, view, orphan.vitals, { ...orphan, shift });
      }
      for (const entry of orphan.entries) {
        // a request still in flight as that page closed has no end to give its span
        if (entry.type !== 'request' || entry.request.result) handle(shifted(entry, shift));
      }
    } finally {
      adopting = undefined;
      ctx.documentView = documentView;
      ctx.currentView = currentView;
    }
  };
  const stopTracking = (): void => {
    generation++;
    tracking.forEach((t) => safely(() => t.stop()));
    tracking = [];
    interactions = routes = http = undefined;
  };

  /**
   * What the critical path saw (queued before we loaded, then live), in order: a route change
   * moves the current view before what follows it. Spans take the user of that moment.
   */
  let replaying: Early | undefined;
  const handle = (entry: Early): void => {
    replaying = entry;
    try {
      switch (entry.type) {
        case 'session':
          return onNewSession(entry.session);
        case 'route':
          return routes?.change(entry.href, entry.at, entry.paintedAt);
        case 'error':
          return errors.onEvent(entry.event);
        case 'interaction':
          return provider.withIds(entry.ids, () =>
            interactions?.onEvent(entry.event, entry.paintedAt, entry.reaction),
          );
        case 'request': {
          const { request } = entry;
          const parent = request.ids.parentSpanId
            ? trace.setSpanContext(ctx.rootContext(), {
                traceId: request.ids.traceId,
                spanId: request.ids.parentSpanId,
                traceFlags: 1,
              })
            : ctx.rootContext();
          const call = provider.withIds(request.ids, () =>
            context.with(parent, () => http?.start(request.info)),
          );
          if (!call) return;
          if (request.result) call.end(request.result);
          else request.done = call.end;
          return;
        }
        case 'event':
          return trackCustomEvent(ctx, entry.name, entry.attributes, entry.at);
        case 'recordError':
          return errors.report(entry.error, 'api', entry.attributes, entry.at);
      }
    } catch (error) {
      reportInternalError(error);
    } finally {
      replaying = undefined;
    }
  };

  function onNewSession(s: Session): void {
    if (!s.sampled) return;
    tracer.startSpan(S.SPAN_SESSION_START, { startTime: s.startedAt }).end();
    void startTracking();
  }

  // Bubble phase on window: runs after web-vitals' capture listeners have reported final values.
  /** Between a `pagehide` that is not for the back/forward cache and the end of the unload. */
  let closing = false;
  const onHidden = (): void => {
    if (!isHidden()) return;
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
  const listeners: Stop[] = [
    listen(window, 'visibilitychange', onHidden, { capture: false }),
    listen(
      window,
      'pagehide',
      (event) => {
        void flush(true);
        exporter.release();
        if ((event as PageTransitionEvent).persisted) return;
        // already hidden (a background tab closed): no visibilitychange follows
        if (isHidden()) unloaded();
        else closing = true;
      },
      { capture: false },
    ),
    listen(window, 'pageshow', (event) => {
      closing = false;
      if (!(event as PageTransitionEvent).persisted) return;
      exporter.reclaim();
      // the page we came back from may have left before its rest loaded
      adoptOrphans();
    }),
    // or another tab's page did
    listen(window, 'storage', (event) => {
      if ((event as StorageEvent).key?.startsWith(ORPHAN_PREFIX)) adoptOrphans();
    }),
  ];

  await yieldToPage();
  stopIfClosing();
  if (core.consent() !== 'denied' && session.current().sampled) await startTracking();
  // Hidden before we were ready: what was queued goes out now. Else, without the relay worker, it
  // goes out now too, while the page can still retry it: held for the flush interval, a short
  // visit's load would ride in its last request, which a closing page cannot retry.
  if (isHidden()) void flush(true);
  // in a task of its own: encoding and storing the batch is not added to the hand-over's
  else if (!exporter.relayed()) setTimeout(() => safely(() => void flush()), 0);

  let shutDown: Promise<void> | undefined;
  return {
    setConsent(next) {
      exporter.setConsent(next);
      if (next === 'granted') {
        if (session.current().sampled) void startTracking();
      } else if (next === 'denied') {
        stopTracking();
      }
    },
    onNewSession,
    trackEvent: (name, attributes, at) => trackCustomEvent(ctx, name, attributes, at),
    recordError: (error, attributes, at) => errors.report(error, 'api', attributes, at),
    flush: () => flush().then(() => exporter.settle(10_000)),
    shutdown: () =>
      (shutDown ??= (async () => {
        stopTracking();
        listeners.forEach((stop) => stop());
        await flush();
        await exporter.settle(10_000);
        await provider.shutdown().catch(() => undefined);
      })()),
  };
}
