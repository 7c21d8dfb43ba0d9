// API calls: latency percentiles and error rate of the browser's HTTP calls, from the
// span_metrics histogram (exemplars link each point to its trace in Tempo). Metric labels carry
// the span name (HTTP method) and the endpoint (url_template), not the URL; per-URL figures come
// from TraceQL.
import { SEL, TEMPO, TRACE_FILTER, bars, dashboard, prom, row, table, timeseries } from '../common';
import { traceql } from '../common';

const client = `span_kind="SPAN_KIND_CLIENT", ${SEL}`;
const calls = (extra = '') => `rum_span_calls_total{${client}${extra}}`;
const bucket = `rum_span_duration_milliseconds_bucket{${client}}`;
const HTTP_SPANS = `{ kind = client && span.http.request.method != nil && ${TRACE_FILTER} }`;
// an endpoint is the HTTP method (span name) and the SDK's url.template of the request's path
const ENDPOINT = ['span_name', 'url_template'];

const quantile = (q: number, by: string[], window = '$__rate_interval') =>
  `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${bucket}[${window}])))`;

export function apiDashboard() {
  const d = dashboard(
    'otel-rum-api',
    'RUM / API calls',
    'Latency and errors of the HTTP calls browsers make (fetch/XHR), as users experience them. Click an exemplar for the trace, including the backend spans it joined.',
  );
  d.withRow(row('Latency (span metrics, exemplars to Tempo)'));
  d.withPanel(
    timeseries('Latency p50 / p95 / p99', 'ms', 12, 9)
      .withTarget(prom(quantile(0.5, []), 'p50', { exemplar: true, refId: 'p50' }))
      .withTarget(prom(quantile(0.95, []), 'p95', { exemplar: true, refId: 'p95' }))
      .withTarget(prom(quantile(0.99, []), 'p99', { exemplar: true, refId: 'p99' })),
  );
  d.withPanel(
    timeseries('Latency p95 by endpoint', 'ms', 12, 9).withTarget(
      prom(quantile(0.95, ENDPOINT), '{{span_name}} {{url_template}}', { exemplar: true }),
    ),
  );
  d.withPanel(
    bars('p95 by endpoint, slowest first', 'ms', 12, 8).withTarget(
      prom(`sort_desc(${quantile(0.95, ENDPOINT, '$__range')})`, '{{span_name}} {{url_template}}', {
        instant: true,
      }),
    ),
  );
  d.withPanel(
    timeseries('Calls per second', 'reqps', 12, 8).withTarget(
      prom(
        `sum by (span_name, url_template) (rate(${calls()}[$__rate_interval]))`,
        '{{span_name}} {{url_template}}',
      ),
    ),
  );
  d.withRow(row('Errors'));
  d.withPanel(
    timeseries('Error rate by endpoint', 'percentunit', 12, 8).withTarget(
      prom(
        `sum by (span_name, url_template) (rate(${calls(', status_code="STATUS_CODE_ERROR"')}[$__rate_interval])) / sum by (span_name, url_template) (rate(${calls()}[$__rate_interval]))`,
        '{{span_name}} {{url_template}}',
      ),
    ),
  );
  d.withPanel(
    bars('Error rate over the range, worst first', 'percentunit', 12, 8).withTarget(
      prom(
        `sort_desc(sum by (span_name, url_template) (increase(${calls(', status_code="STATUS_CODE_ERROR"')}[$__range])) / sum by (span_name, url_template) (increase(${calls()}[$__range])))`,
        '{{span_name}} {{url_template}}',
        { instant: true },
      ),
    ),
  );
  d.withRow(row('By endpoint URL (Tempo)'));
  d.withPanel(
    table('Latency by URL: p50 / p95 (TraceQL metrics)', 12, 9, TEMPO).withTarget(
      traceql(`${HTTP_SPANS} | quantile_over_time(duration, .5, .95) by (span.url.full)`, {
        metrics: 'instant',
      }),
    ),
  );
  d.withPanel(
    table('Failed calls by URL and status (TraceQL metrics)', 12, 9, TEMPO).withTarget(
      traceql(
        `{ kind = client && span.http.request.method != nil && status = error && ${TRACE_FILTER} } | count_over_time() by (span.url.full, span.http.response.status_code)`,
        { metrics: 'instant' },
      ),
    ),
  );
  d.withPanel(
    table('Slowest calls (example traces)', 24, 10, TEMPO).withTarget(
      traceql(
        `${HTTP_SPANS} && { duration > 10ms } | select(span.url.full, span.http.response.status_code, span.rum.page.route)`,
      ),
    ),
  );
  return d.build();
}
