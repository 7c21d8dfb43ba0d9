import { SpanStatusCode } from '@opentelemetry/api';
import type { RumContext } from '../context';
import { warn } from '../guard';
import * as S from '../semconv';
import type { RumAttributes } from '../types';
import { exceptionAttributes } from './exception';

/** `rum.trackEvent()` and `rum.recordError()`: spans in the current page view's trace. */
export function trackCustomEvents(ctx: RumContext) {
  return {
    trackEvent(name: string, attributes: RumAttributes = {}) {
      if (typeof name !== 'string' || !name) {
        warn('trackEvent() needs a non-empty event name');
        return;
      }
      ctx
        .startSpan(S.SPAN_CUSTOM_EVENT, {
          ...attributes,
          [S.ATTR_EVENT_NAME]: name,
          ...(ctx.lcpRating ? { [S.ATTR_PAGE_LCP_RATING]: ctx.lcpRating } : {}),
        })
        .end();
    },
    recordError(error: unknown, attributes: RumAttributes = {}) {
      const exception = exceptionAttributes(error);
      const attrs = { ...attributes, ...exception, 'rum.error.source': 'api' };
      const span = ctx.startSpan(S.SPAN_ERROR, attrs);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: String(exception[S.ATTR_EXCEPTION_MESSAGE]),
      });
      span.end();
    },
  };
}
