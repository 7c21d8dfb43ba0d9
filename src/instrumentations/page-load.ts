import type { Attributes } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import { holdOpen, type PageView, type RumContext } from '../context';
import { currentUrl, listen } from '../browser/dom';
import { navigationEntry } from '../browser/observe';
import { afterLoad, afterNextPaint } from '../browser/timing';
import { guard } from '../guard';
import { serverTimingEntriesLink } from '../server-timing';
import * as S from '../semconv';

const ms = (value: number): number => Math.max(0, Math.round(value * 10) / 10);

/** Navigation Timing Level 2 breakdown, in ms from navigation start. */
export function navigationTimingAttributes(entry: PerformanceNavigationTiming): Attributes {
  const t = S.ATTR_PREFIX_TIMING;
  return {
    [`${t}redirect`]: ms(entry.redirectEnd - entry.redirectStart),
    [`${t}dns`]: ms(entry.domainLookupEnd - entry.domainLookupStart),
    [`${t}tcp`]: ms(entry.connectEnd - entry.connectStart),
    [`${t}tls`]:
      entry.secureConnectionStart > 0 ? ms(entry.connectEnd - entry.secureConnectionStart) : 0,
    [`${t}ttfb`]: ms(entry.responseStart),
    [`${t}download`]: ms(entry.responseEnd - entry.responseStart),
    [`${t}dom_interactive`]: ms(entry.domInteractive),
    [`${t}dom_content_loaded`]: ms(entry.domContentLoadedEventEnd),
    [`${t}load`]: ms(entry.loadEventEnd),
    [S.ATTR_TRANSFER_SIZE]: entry.transferSize ?? 0,
    [S.ATTR_NAVIGATION_TYPE]: entry.type.replace('-', '_'),
  };
}

function viewportAttributes(): Attributes {
  return {
    'rum.viewport.width': window.innerWidth,
    'rum.viewport.height': window.innerHeight,
    [S.ATTR_SCREEN_WIDTH]: screen.width,
    [S.ATTR_SCREEN_HEIGHT]: screen.height,
    [S.ATTR_DEVICE_PIXEL_RATIO]: window.devicePixelRatio,
  };
}

/** The document's own `page_load`, ended at the load event. */
function trackDocumentLoad(ctx: RumContext): () => void {
  // Started now, not at load: what happens before load (TTFB, FCP, early errors) joins its trace.
  const view = ctx.documentView;
  const span = ctx.startSpan(S.SPAN_PAGE_LOAD, {}, { startTime: 0, view, root: true });
  view.parent = trace.setSpan(ctx.rootContext(), span);
  // a tab closed before the load event still reports the page load, marked incomplete
  const endEarly = holdOpen(ctx, () => {
    span.setAttribute(S.ATTR_PAGE_LOAD_COMPLETE, false);
    span.end();
  });
  return afterLoad(
    guard(() => {
      if (!ctx.open.delete(endEarly)) return;
      const entry = navigationEntry();
      const attrs: Attributes = { ...viewportAttributes(), [S.ATTR_BFCACHE_RESTORE]: false };
      if (document.referrer) attrs[S.ATTR_REFERRER] = ctx.scrub(document.referrer);
      if (entry) Object.assign(attrs, navigationTimingAttributes(entry));
      span.setAttributes({ ...attrs, [S.ATTR_PAGE_LOAD_COMPLETE]: true });
      // the backend trace that served this document, from its Server-Timing header
      const link = serverTimingEntriesLink(entry?.serverTiming);
      if (link) span.addLink(link);
      span.end(entry && entry.loadEventEnd > 0 ? entry.loadEventEnd : performance.now());
    }),
  );
}

/**
 * One `page_load` span per document, from navigation start to the end of the load event, and one
 * per back/forward cache restore (a new page view: the user saw the page again).
 */
export function trackPageLoads(ctx: RumContext, withDocument = true): { stop(): void } {
  // `withDocument: false`: another page sent this document's load (stored as the page left)
  const stopLoad = withDocument ? trackDocumentLoad(ctx) : () => {};
  const stopRestore = listen(window, 'pageshow', (event) => {
    if (!(event as PageTransitionEvent).persisted) return;
    const view = ctx.newPageView(currentUrl());
    ctx.documentView = view;
    ctx.currentView = view;
    const span = ctx.startSpan(
      S.SPAN_PAGE_LOAD,
      {
        ...viewportAttributes(),
        [S.ATTR_BFCACHE_RESTORE]: true,
        [S.ATTR_NAVIGATION_TYPE]: 'back_forward',
      },
      { startTime: event.timeStamp, view, root: true },
    );
    view.parent = trace.setSpan(ctx.rootContext(), span);
    afterNextPaint(guard(holdOpen(ctx, () => span.end())));
  });

  return {
    stop() {
      stopLoad();
      stopRestore();
    },
  };
}

/**
 * The `page_load` of a page closed before the SDK's rest loaded, sent by a later page: from its
 * stored navigation entry, on this page's clock (`shift`: the stored page's time origin minus
 * ours). Starts a view for what that page did next.
 */
export function orphanPageLoad(
  ctx: RumContext,
  view: PageView,
  stored: { navigation?: Record<string, unknown>; referrer: string; leftAt: number },
  shift: number,
): void {
  const entry = stored.navigation as unknown as PerformanceNavigationTiming | undefined;
  const complete = !!entry && entry.loadEventEnd > 0;
  const attrs: Attributes = {
    ...(entry ? navigationTimingAttributes(entry) : {}),
    [S.ATTR_BFCACHE_RESTORE]: false,
    [S.ATTR_PAGE_LOAD_COMPLETE]: complete,
  };
  if (stored.referrer) attrs[S.ATTR_REFERRER] = ctx.scrub(stored.referrer);
  const span = ctx.startSpan(S.SPAN_PAGE_LOAD, attrs, { startTime: shift, view, root: true });
  view.parent = trace.setSpan(ctx.rootContext(), span);
  const link = serverTimingEntriesLink(entry?.serverTiming);
  if (link) span.addLink(link);
  span.end(shift + (complete ? entry.loadEventEnd : stored.leftAt));
}
