import type { RumContext } from '../context';
import { warn } from '../guard';
import * as S from '../semconv';
import type { RumAttributes } from '../types';

/**
 * `rum.trackEvent()`: a `custom_event` span in the current page view's trace, carrying the page's
 * LCP rating once known so the collector can relate conversions to speed without joins.
 */
export function trackCustomEvent(
  ctx: RumContext,
  name: string,
  attributes: RumAttributes = {},
  /** performance.now() of the call (queued before the SDK was ready): default now */
  at?: number,
): void {
  if (typeof name !== 'string' || !name) {
    warn('trackEvent() needs a non-empty event name');
    return;
  }
  ctx
    .startSpan(
      S.SPAN_CUSTOM_EVENT,
      {
        ...attributes,
        [S.ATTR_EVENT_NAME]: name,
        ...(ctx.lcpRating ? { [S.ATTR_PAGE_LCP_RATING]: ctx.lcpRating } : {}),
      },
      { startTime: at },
    )
    .end(at);
}
