import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { PageView, RumContext } from '../context';
import { timeOrigin } from '../browser/dom';
import * as S from '../semconv';
import { exceptionAttributes } from './exception';

/** Identical errors within this window after the first are collapsed into one span with a count. */
export const ERROR_COLLAPSE_WINDOW_MS = 2_000;
/** Error spans per page view, at most; a broken page cannot flood the collector. */
export const MAX_ERROR_SPANS_PER_VIEW = 50;

export type ErrorSource = 'uncaught' | 'unhandledrejection' | 'resource' | 'api';

interface Pending {
  attrs: Attributes;
  /** The page view it happened in (a page closed early, adopted, is not the current one). */
  view: PageView;
  count: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface ErrorTracker {
  /** `at`: performance.now() when it happened (default now). */
  report(error: unknown, source: ErrorSource, extra?: Attributes, at?: number): void;
  /** A page's `error` (script or resource) or `unhandledrejection` event, live or queued. */
  onEvent(event: Event): void;
  /** Sends the counts of collapsed repeats now. */
  flush(): void;
}

/**
 * JS errors, unhandled rejections, failed resource loads and `rum.recordError()` as `error` spans
 * with semconv `exception.*` and context (last user action, requests in flight, session age).
 * The first occurrence is sent at once; repeats of the same error within the window are counted
 * and sent as one more span carrying `rum.error.count`.
 */
export function createErrorTracker(ctx: RumContext): ErrorTracker {
  const pending = new Map<string, Pending>();
  const spansPerView = new Map<string, number>();
  let dropped = 0;

  const emit = (attrs: Attributes, count: number, at?: number, view = ctx.currentView): void => {
    const sent = spansPerView.get(view.id) ?? 0;
    if (sent >= MAX_ERROR_SPANS_PER_VIEW) {
      dropped += count;
      return;
    }
    spansPerView.set(view.id, sent + 1);
    const span = ctx.startSpan(
      S.SPAN_ERROR,
      { ...attrs, 'rum.error.count': count, ...(dropped ? { 'rum.error.dropped': dropped } : {}) },
      // the current interaction is this view's only
      { parent: view === ctx.currentView ? ctx.interaction() : undefined, view, startTime: at },
    );
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: String(attrs[S.ATTR_EXCEPTION_MESSAGE] ?? ''),
    });
    span.end(at);
  };

  const flushRepeats = (key: string): void => {
    const p = pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(key);
    if (p.count > 0) emit({ ...p.attrs, 'rum.error.repeat': true }, p.count, undefined, p.view);
  };

  const context = (at = performance.now()): Attributes => {
    const attrs: Attributes = { 'rum.error.requests_in_flight': ctx.requestsInFlight };
    const action = ctx.lastAction;
    if (action) {
      attrs['rum.error.last_action.type'] = action.type;
      attrs['rum.error.last_action.target'] = action.target;
      attrs['rum.error.last_action.ago_ms'] = Math.round(at - action.at);
    }
    const session = ctx.session.current();
    attrs['rum.error.session_age_ms'] = Math.round(timeOrigin() + at - session.startedAt);
    return attrs;
  };

  /** `exception`: the semconv attributes, their texts already scrubbed. */
  const reportException = (
    exception: Attributes,
    source: ErrorSource,
    extra: Attributes,
    at?: number,
  ): void => {
    // repeats within one page view: the same error in another (a page closed early, adopted
    // now; the next route) is its own
    const view = ctx.currentView;
    const key = `${view.id}|${source}|${exception[S.ATTR_EXCEPTION_TYPE]}|${exception[S.ATTR_EXCEPTION_MESSAGE]}|${String(
      exception[S.ATTR_EXCEPTION_STACKTRACE] ?? '',
    )
      .split('\n', 3)
      .join('|')}`;
    const p = pending.get(key);
    if (p) {
      p.count++;
      return;
    }
    // a caller of recordError() may name its own source (the React error boundary says 'react')
    const attrs = { 'rum.error.source': source, ...extra, ...exception, ...context(at) };
    emit(attrs, 1, at);
    pending.set(key, {
      attrs,
      view,
      count: 0,
      timer: setTimeout(() => flushRepeats(key), ERROR_COLLAPSE_WINDOW_MS),
    });
  };
  const report = (error: unknown, source: ErrorSource, extra: Attributes = {}, at?: number): void =>
    reportException(exceptionAttributes(error, ctx.scrub), source, extra, at);
  const flush = (): void => [...pending.keys()].forEach(flushRepeats);

  const onEvent = (event: Event): void => {
    if (event.type === 'unhandledrejection') {
      report((event as PromiseRejectionEvent).reason, 'unhandledrejection', {}, event.timeStamp);
      return;
    }
    const target = event.target as Element | null;
    if (target && target !== (window as unknown) && 'tagName' in target) {
      const element = target as HTMLImageElement & HTMLLinkElement;
      const url = ctx.scrub(element.currentSrc || element.src || element.href || '');
      const type = element.tagName.toLowerCase();
      // a message of our own making, around a URL scrubbed once (not scanned again for secrets)
      reportException(
        {
          [S.ATTR_EXCEPTION_TYPE]: 'ResourceError',
          [S.ATTR_EXCEPTION_MESSAGE]: `Failed to load ${type} ${url}`,
        },
        'resource',
        { 'rum.resource.url': url, 'rum.resource.type': type },
        event.timeStamp,
      );
      return;
    }
    const e = event as ErrorEvent;
    report(
      e.error ??
        Object.assign(new Error(e.message || 'Script error.'), {
          stack: e.filename ? `${e.message}\n    at ${e.filename}:${e.lineno}:${e.colno}` : '',
        }),
      'uncaught',
      {},
      event.timeStamp,
    );
  };

  return { report, onEvent, flush };
}
