// Errors: how often users hit errors, where (route, browser) from the rum_errors_by_* counters,
// and what (messages are not metric labels: Tempo's TraceQL answers top messages and examples),
// grouped by the collector's sourcemap processor (`exception.fingerprint`: unbounded, so a trace
// attribute read with TraceQL, never a metric label).
import {
  PAGE_VARIABLES,
  TEMPO,
  TRACE_FILTER,
  bars,
  counter,
  dashboard,
  fingerprintVariable,
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
const UID = 'otel-rum-errors';

/** This dashboard with the same time range and filters, showing one error group's examples. */
const GROUP_LINK = `/d/${UID}?\${__url_time_range}&${PAGE_VARIABLES.map(([v]) => `\${${v}:queryparam}`).join('&')}&var-fingerprint=\${__value.raw}`;

/**
 * The first stack frame of a stack trace (after symbolication: the original file, line and
 * function): the first line ending in `:line:column`, V8's `at ` removed. A regex value mapping;
 * Grafana shows `value.replace(pattern, '$1')`, so the pattern spans the whole stack.
 */
const TOP_FRAME = String.raw`/^(?:[^\n]*\n)*?[ \t]*(?:at\s+)?([^\n]*?:\d+:\d+\)?)[ \t]*(?:\n[\s\S]*)?$/`;

export function errorsDashboard() {
  const d = dashboard(
    UID,
    'RUM / Errors',
    "Uncaught errors and unhandled rejections reported by browsers: rate, per page view, by route and browser (metrics), top messages, error groups and example traces (Tempo). Error groups are the collector's exception.fingerprint (sourcemap processor): same type, normalised message and top in-app frames after symbolication.",
  );
  d.withVariable(fingerprintVariable());
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
  d.withRow(row('Error groups (Tempo)'));
  d.withPanel(
    table('Top error groups (TraceQL metrics)', 10, 9, TEMPO)
      .description(
        "Error spans per group (exception.fingerprint, set by the collector from the symbolicated stack) over the selected range, the 10 largest. Click a fingerprint for that group's examples below.",
      )
      .withTarget(
        traceql(
          `${ERROR_SPANS} | count_over_time() by (span.exception.fingerprint, span.exception.type) | topk(10)`,
          { metrics: 'instant' },
        ),
      )
      .overrideByRegexp('.*fingerprint.*', [
        {
          id: 'links',
          value: [{ title: 'Examples of this error group', url: GROUP_LINK }],
        },
      ]),
  );
  d.withPanel(
    timeseries('Error groups over time (example traces as exemplars)', 'short', 14, 9)
      .datasource(TEMPO)
      .description(
        'Error spans per minute of the 10 largest groups; each exemplar (a point on a line) opens an example trace of its group.',
      )
      .withTarget(
        traceql(`${ERROR_SPANS} | count_over_time() by (span.exception.fingerprint) | topk(10)`, {
          metrics: 'range',
          exemplars: 5,
        }),
      ),
  );
  d.withPanel(
    table('Error group examples', 24, 10, TEMPO)
      .description(
        'Recent error spans of the group in the "Error group" variable (.* for all groups) with their symbolicated top frame (the full stack, and the minified one as the browser sent it, are on the span); the trace id opens the whole page view in Tempo.',
      )
      .withTarget(
        traceql(
          `{ name = "error" && span.exception.fingerprint =~ "$fingerprint" && ${TRACE_FILTER} } | select(span.exception.fingerprint, span.exception.type, span.exception.message, span.exception.stacktrace, span.rum.page.route, span.rum.browser.family)`,
        ),
      )
      .overrideByRegexp('.*fingerprint.*', [
        { id: 'links', value: [{ title: 'Only this error group', url: GROUP_LINK }] },
      ])
      .overrideByRegexp('.*exception\\.stacktrace$', [
        { id: 'displayName', value: 'top frame' },
        {
          id: 'mappings',
          value: [{ type: 'regex', options: { pattern: TOP_FRAME, result: { text: '$1' } } }],
        },
      ]),
  );
  return d.build();
}
