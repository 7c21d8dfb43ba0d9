// Shared pieces of the otel-rum dashboards: datasource refs (the uids provisioned in
// grafana/provisioning/datasources/datasources.yaml), template variables, label selectors and
// small panel factories. Metric names and labels: otel-collector/README.md, "Metrics".
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  RowBuilder,
  CustomVariableBuilder,
  TextBoxVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type DataSourceRef,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge';
import {
  DataqueryBuilder as PromQuery,
  PromQueryFormat,
} from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import {
  DataqueryBuilder as TempoQuery,
  MetricsQueryType,
  SearchTableType,
} from '@grafana/grafana-foundation-sdk/tempo';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'otel-rum-prometheus' };
export const TEMPO: DataSourceRef = { type: 'tempo', uid: 'otel-rum-tempo' };

/** Page-label variables every dashboard has, in dependency order: name, label, Prometheus label. */
export const PAGE_VARIABLES = [
  ['service', 'Service', 'service_name'],
  ['environment', 'Environment', 'deployment_environment_name'],
  ['route', 'Route', 'rum_page_route'],
  ['device', 'Device class', 'rum_device_class'],
  ['country', 'Country', 'geo_country_iso_code'],
] as const;

/**
 * The metric families of otel-collector/config.yaml: one per segmentation, never their product.
 * Each carries its own dimension's label, which the matching page variable (if any) filters.
 * Cross-dimension filters (route AND device AND country) are answered by the trace panels.
 */
export const SEGMENTS = {
  route: { label: 'rum_page_route', title: 'route', variable: 'route' },
  device: { label: 'rum_device_class', title: 'device class', variable: 'device' },
  connection: { label: 'rum_network_effective_type', title: 'connection type', variable: '' },
  browser: { label: 'rum_browser_family', title: 'browser', variable: '' },
  country: { label: 'geo_country_iso_code', title: 'country', variable: 'country' },
} as const;
export type Segment = keyof typeof SEGMENTS;

/** Matchers of a family keyed by `segments`: service, environment and those segments' variables. */
export function selector(...segments: Segment[]): string {
  const filters = segments
    .map((s) => SEGMENTS[s])
    .filter((s) => s.variable)
    .map((s) => `${s.label}=~"$${s.variable}"`);
  return [
    'service_name=~"$service"',
    'deployment_environment_name=~"$environment"',
    ...filters,
  ].join(', ');
}

/** Service and environment only: what families without a page label (events, API calls) take. */
export const SEL = selector();

/** A page counter family: rum_page_views_by_route_total{...} and the like. */
export const counter = (name: 'page_views' | 'errors' | 'sessions', by: Segment = 'route') =>
  `rum_${name}_by_${by}_total{${selector(by)}}`;

/**
 * The same filter in TraceQL. Tempo stores raw attributes, so a span without an environment or
 * route (shown as "unknown" in the metrics) is kept whatever the selection is.
 */
const optional = (attr: string, v: string) => `(${attr} =~ "$${v}" || ${attr} = nil)`;
export const TRACE_FILTER = [
  'resource.service.name =~ "$service"',
  optional('resource.deployment.environment.name', 'environment'),
  optional('span.rum.page.route', 'route'),
  'span.rum.device.class =~ "$device"',
  'resource.geo.country.iso_code =~ "$country"',
].join(' && ');

/** A multi-value query variable with All (= `.*`), its values from `metric`, filtered by `after`. */
export function labelVariable(
  name: string,
  label: string,
  promLabel: string,
  metric: string,
  after: string[] = [],
): QueryVariableBuilder {
  const selector = metric.includes('=')
    ? `{${[metric, ...after].join(', ')}}`
    : `${metric}${after.length ? `{${after.join(', ')}}` : ''}`;
  const query = `label_values(${selector}, ${promLabel})`;
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/**
 * Hard or soft navigations. Only the by-route vital families (rum_web_vital_by_route_milliseconds,
 * rum_web_vital_cls_by_route) carry `rum_navigation`: `soft` for the vitals of SPA route changes
 * (Chromium's Soft Navigations API), `hard` for page loads, reloads, back/forward and bfcache
 * restores. Every other vital family counts hard navigations only.
 */
export function navigationVariable(): CustomVariableBuilder {
  return new CustomVariableBuilder('navigation')
    .label('Navigation')
    .description(
      'Vitals of hard navigations (page loads, reloads, back/forward, bfcache restores) or soft ones (SPA route changes, measured where the browser has the Soft Navigations API: Chromium). Applies to the panels by route (and the overview, which reads the by-route family); the device class, connection, browser, country and route x device class panels show page loads (hard navigations) only.',
    )
    .values('hard,soft')
    .options([
      { text: 'All', value: '$__all', selected: true },
      { text: 'hard', value: 'hard', selected: false },
      { text: 'soft', value: 'soft', selected: false },
    ])
    .current({ text: 'All', value: '$__all' })
    .includeAll(true)
    .allValue('.*')
    .multi(false);
}

/** The matcher of `navigationVariable` (by-route vital families only). */
export const NAVIGATION = 'rum_navigation=~"$navigation"';

/**
 * One error group (`exception.fingerprint`, set by the collector's sourcemap processor): a text
 * box, `.*` for all. Fingerprints are unbounded, so they are a trace attribute, never a metric
 * label, and this variable filters trace panels only.
 */
export function fingerprintVariable(): TextBoxVariableBuilder {
  return new TextBoxVariableBuilder('fingerprint')
    .label('Error group')
    .description(
      'exception.fingerprint of one error group (16 hex digits; click one in "Top error groups"), or .* for every group. Filters the error group examples (Tempo).',
    )
    .defaultValue('.*')
    .current({ text: '.*', value: '.*' });
}

/** Values from every RUM series: sessions, API calls and events can have routes page views lack. */
export const ANY_RUM_METRIC = '__name__=~"rum_.+"';

/** A new dashboard with the shared settings and the page variables. */
export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  const b = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['otel-rum', 'rum'])
    .editable()
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .refresh('1m')
    .link(
      new DashboardLinkBuilder('otel-rum')
        .type(DashboardLinkType.Dashboards)
        .tags(['otel-rum'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
  // route, device class and country each live in their own metric families, so their values
  // depend on service and environment only, not on each other
  const previous: string[] = [];
  for (const [name, label, promLabel] of PAGE_VARIABLES) {
    b.withVariable(labelVariable(name, label, promLabel, ANY_RUM_METRIC, previous));
    if (name === 'service' || name === 'environment') previous.push(`${promLabel}=~"$${name}"`);
  }
  return b;
}

export const row = (title: string) => new RowBuilder(title);

/** A Prometheus target: `instant` for stats and bar gauges, `table` for table panels. */
export function prom(
  expr: string,
  legend = '',
  o: { instant?: boolean; table?: boolean; exemplar?: boolean; refId?: string } = {},
): PromQuery {
  const q = new PromQuery()
    .datasource(PROMETHEUS)
    .expr(expr)
    .legendFormat(legend || '__auto');
  if (o.refId) q.refId(o.refId);
  if (o.exemplar) q.exemplar(true);
  if (o.table) return q.instant().format(PromQueryFormat.Table);
  return o.instant ? q.instant() : q.range();
}

/** A TraceQL search (a table of matching spans) or, with `metrics`, a TraceQL metrics query. */
export function traceql(
  query: string,
  o: { metrics?: 'instant' | 'range'; limit?: number; exemplars?: number } = {},
) {
  const q = new TempoQuery().datasource(TEMPO).queryType('traceql').query(query).filters([]);
  if (o.metrics) {
    q.metricsQueryType(o.metrics === 'instant' ? MetricsQueryType.Instant : MetricsQueryType.Range);
    if (o.metrics === 'range') q.step('1m');
    // example traces as exemplars on the series (a range query's points link to them)
    if (o.exemplars) q.exemplars(o.exemplars);
  } else {
    q.limit(o.limit ?? 20)
      .spss(3)
      .tableType(SearchTableType.Spans);
  }
  return q;
}

/** Thresholds: green below `ni`, orange from `ni`, red from `poor` (a vital's rating bounds). */
export const ratingSteps = (ni: number, poor: number) => ({
  mode: ThresholdsMode.Absolute,
  steps: [
    { value: null, color: 'green' },
    { value: ni, color: 'orange' },
    { value: poor, color: 'red' },
  ],
});

export const ratingThresholds = (ni: number, poor: number) => {
  const { mode, steps } = ratingSteps(ni, poor);
  return new ThresholdsConfigBuilder().mode(mode).steps(steps);
};

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

export const stat = (title: string, unit: string, w = 4, h = 5) =>
  new Stat()
    .title(title)
    .unit(unit)
    .span(w)
    .height(h)
    .datasource(PROMETHEUS)
    .reduceOptions(lastValue());

export const timeseries = (title: string, unit: string, w = 12, h = 8) =>
  new TimeSeries()
    .title(title)
    .unit(unit)
    .span(w)
    .height(h)
    .datasource(PROMETHEUS)
    .fillOpacity(10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    );

/** Horizontal bars, one per series of an instant query (already sorted by the query). */
export const bars = (title: string, unit: string, w = 8, h = 8) =>
  new BarGauge()
    .title(title)
    .unit(unit)
    .span(w)
    .height(h)
    .datasource(PROMETHEUS)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .reduceOptions(lastValue());

export const table = (title: string, w = 12, h = 8, datasource: DataSourceRef = PROMETHEUS) =>
  new Table().title(title).span(w).height(h).datasource(datasource);
