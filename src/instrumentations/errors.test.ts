import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import type { PageView, RumContext } from '../context';
import { createErrorTracker, ERROR_COLLAPSE_WINDOW_MS } from './errors';

/** The parts of the context the tracker reads; spans are recorded with their page view. */
function fakeContext() {
  const spans: { attributes: Attributes; view: PageView }[] = [];
  const view = (id: string): PageView => ({
    id,
    url: `https://shop.example/${id}`,
    route: '/',
    at: 0,
  });
  const ctx = {
    currentView: view('a'),
    requestsInFlight: 0,
    lastAction: undefined,
    interaction: () => undefined,
    session: { current: () => ({ startedAt: Date.now() }) },
    scrub: (url: string) => url,
    startSpan: (_name: string, attributes: Attributes, options: { view?: PageView }) => {
      spans.push({ attributes, view: options.view ?? ctx.currentView });
      return { setStatus() {}, end() {} };
    },
  };
  return { ctx: ctx as unknown as RumContext & typeof ctx, spans, view };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('error collapsing', () => {
  it('collapses repeats within a page view, not across views, and counts each in its own', () => {
    vi.useFakeTimers();
    const { ctx, spans, view } = fakeContext();
    const errors = createErrorTracker(ctx);
    const boom = () =>
      Object.assign(new Error('boom'), { stack: 'Error: boom\n    at f (app.js:1:1)' });
    errors.report(boom(), 'uncaught');
    errors.report(boom(), 'uncaught');
    // a page closed early, adopted now: the same error, in its own view
    const current = ctx.currentView;
    ctx.currentView = view('closed');
    errors.report(boom(), 'uncaught');
    errors.report(boom(), 'uncaught');
    errors.report(boom(), 'uncaught');
    ctx.currentView = current;
    vi.advanceTimersByTime(ERROR_COLLAPSE_WINDOW_MS);
    const summary = spans.map((s) => [
      s.view.id,
      s.attributes['rum.error.count'],
      s.attributes['rum.error.repeat'] ?? false,
    ]);
    expect(summary).toEqual([
      ['a', 1, false],
      ['closed', 1, false],
      ['a', 1, true],
      ['closed', 2, true],
    ]);
  });
});
