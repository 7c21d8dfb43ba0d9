import { trace } from '@opentelemetry/api';
import { holdOpen, type RumContext } from '../context';
import { currentUrl } from '../browser/dom';
import { afterNextPaint } from '../browser/timing';
import { guard } from '../guard';
import * as S from '../semconv';

/** Path plus hash-router path (`#/cart`), the part of a URL that makes a page. */
function pagePath(href: string): string {
  try {
    const url = new URL(href);
    return url.pathname + (url.hash.startsWith('#/') ? url.hash : '');
  } catch {
    return href;
  }
}

/** Route changes remembered for late soft-navigation vitals (LCP and INP come seconds later). */
const MAX_ROUTE_VIEWS = 20;

/**
 * One `route_change` span per SPA navigation (History API, `popstate`, hash routes). Each starts a
 * new page view and a new trace; it ends after the next paint, so its duration is how long the
 * route took to render.
 */
export function trackRouteChanges(
  ctx: RumContext,
  documentHref = currentUrl(),
): { change(href: string, at?: number, paintedAt?: number): void } {
  let lastPath = pagePath(documentHref);

  /** A route change at `at` (performance.now()); `paintedAt`: its next paint, when already known. */
  const change = guard((href: string, at?: number, paintedAt?: number) => {
    const path = pagePath(href);
    if (path === lastPath) return;
    lastPath = path;
    const from = ctx.currentView;
    const view = ctx.newPageView(href);
    const span = ctx.startSpan(
      S.SPAN_ROUTE_CHANGE,
      { [S.ATTR_ROUTE_FROM]: from.route },
      { view, root: true, startTime: at },
    );
    view.parent = trace.setSpan(ctx.rootContext(), span);
    ctx.currentView = view;
    ctx.routeViews.push(view);
    if (ctx.routeViews.length > MAX_ROUTE_VIEWS) ctx.routeViews.shift();
    if (paintedAt !== undefined) span.end(paintedAt);
    else afterNextPaint(guard(holdOpen(ctx, () => span.end())));
  });
  return { change };
}
