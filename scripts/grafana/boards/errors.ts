// Errors: how often users hit errors, where (route, browser) from the rum_errors_by_* counters,
// and what (messages are not metric labels: Tempo's TraceQL answers top messages and examples).
import {
  TEMPO,
  TRACE_FILTER,
  bars,
  counter,
  dashboard,
  prom,
  row,
  stat,
  table,
  timeseries,
} from '../common';
import { traceql } from '../common';

const errors = counter('errors');
const views = counter('page_views');
const ERROR_SPANS = `{ name = "error" && ${TRACE_FILTER} }`;

export function errorsDashboard() {
  const d = dashboard(
    'otel-rum-errors',
    'RUM / Errors',
    'Uncaught errors and unhandled rejections reported by browsers: rate, per page view, by route and browser (metrics), top messages and example traces (Tempo).',
  );
  d.withRow(row('Rate'));
  d.withPanel(
    stat('Errors', 'short').withTarget(
      prom(`sum(increase(${errors}[$__range]))`, '', { instant: true }),
    ),
  );
  d.withPanel(
    stat('Errors per 100 page views', 'short')
      .decimals(1)
      .withTarget(
        prom(`100 * sum(increase(${errors}[$__range])) / sum(increase(${views}[$__range]))`, '', {
          instant: true,
        }),
      ),
  );
  d.withPanel(
    timeseries('Errors per second', 'reqps', 16, 5).withTarget(
      prom(`sum(rate(${errors}[$__rate_interval]))`, 'errors/s'),
    ),
  );
  d.withRow(row('Where'));
  for (const [segment, label, title] of [
    ['route', 'rum_page_route', 'route'],
    ['browser', 'rum_browser_family', 'browser'],
  ] as const) {
    const bySegment = counter('errors', segment);
    d.withPanel(
      bars(`Errors by ${title}`, 'short', 6).withTarget(
        prom(`sort_desc(sum by (${label}) (increase(${bySegment}[$__range])))`, `{{${label}}}`, {
          instant: true,
        }),
      ),
    );
    d.withPanel(
      timeseries(`Errors per second by ${title}`, 'reqps', 6).withTarget(
        prom(`sum by (${label}) (rate(${bySegment}[$__rate_interval]))`, `{{${label}}}`),
      ),
    );
  }
  d.withRow(row('What (Tempo)'));
  d.withPanel(
    table('Top error messages (TraceQL metrics)', 12, 9, TEMPO)
      .description('Count of error spans by exception.message over the selected range.')
      .withTarget(
        traceql(`${ERROR_SPANS} | count_over_time() by (span.exception.message) | topk(10)`, {
          metrics: 'instant',
        }),
      ),
  );
  d.withPanel(
    table('Top error types by route (TraceQL metrics)', 12, 9, TEMPO).withTarget(
      traceql(
        `${ERROR_SPANS} | count_over_time() by (span.exception.type, span.rum.page.route) | topk(10)`,
        { metrics: 'instant' },
      ),
    ),
  );
  d.withPanel(
    table('Example error traces', 24, 10, TEMPO)
      .description('Recent error spans; the trace id opens the whole page view in Tempo.')
      .withTarget(
        traceql(
          `${ERROR_SPANS} | select(span.exception.type, span.exception.message, span.rum.page.route, span.rum.browser.family, span.rum.page.url)`,
        ),
      ),
  );
  return d.build();
}
