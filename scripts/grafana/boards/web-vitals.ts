// Web Vitals overview: p75 of each vital against its thresholds, the share of good /
// needs-improvement / poor page views (exact: every threshold is a bucket bound), trend, and
// this week against last week.
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  NAVIGATION,
  bars,
  dashboard,
  navigationVariable,
  prom,
  ratingThresholds,
  row,
  selector,
  stat,
  timeseries,
  type Segment,
} from '../common';

interface Vital {
  name: string;
  title: string;
  unit: string;
  good: number;
  poor: number;
}

/** Thresholds from web.dev: LCP 2.5/4 s, INP 200/500 ms, CLS 0.1/0.25, FCP 1.8/3 s, TTFB 0.8/1.8 s. */
export const VITALS: Vital[] = [
  { name: 'lcp', title: 'LCP', unit: 'ms', good: 2500, poor: 4000 },
  { name: 'inp', title: 'INP', unit: 'ms', good: 200, poor: 500 },
  { name: 'cls', title: 'CLS', unit: 'none', good: 0.1, poor: 0.25 },
  { name: 'fcp', title: 'FCP', unit: 'ms', good: 1800, poor: 3000 },
  { name: 'ttfb', title: 'TTFB', unit: 'ms', good: 800, poor: 1800 },
];

/**
 * The histogram family of a vital by one segmentation (CLS is unitless and has its own), or by
 * route and device class together (`route_device`, LCP only: the "worst segments" pair).
 */
export const histogram = (v: string, by: Segment | 'route_device' = 'route') =>
  v === 'cls' ? `rum_web_vital_cls_by_${by}` : `rum_web_vital_by_${by}_milliseconds`;

/**
 * Matchers of a vital's family. The by-route families also carry `rum_navigation` (hard or
 * soft), which the dashboards' `navigation` variable filters; the others count hard navigations
 * only.
 */
const sel = (v: string, by: Segment | 'route_device', extra = '') => {
  const matchers =
    by === 'route_device'
      ? selector('route', 'device')
      : by === 'route'
        ? `${selector(by)}, ${NAVIGATION}`
        : selector(by);
  return `{browser_web_vital_name="${v}", ${matchers}${extra ? `, ${extra}` : ''}}`;
};

/**
 * p75 over `window` (a range such as `$__range` or `$__rate_interval`), grouped `by`, from the
 * family of segmentation `family` (default: by route, which the route and navigation variables
 * filter; its total over routes is every report).
 */
export function p75(
  v: string,
  window: string,
  by: string[] = [],
  offset = '',
  family: Segment | 'route_device' = 'route',
) {
  const off = offset ? ` offset ${offset}` : '';
  return `histogram_quantile(0.75, sum by (${['le', ...by].join(', ')}) (rate(${histogram(v, family)}_bucket${sel(v, family)}[${window}]${off})))`;
}

/** A bucket bound: OpenMetrics writes `2500.0`, Prometheus 3 normalises to that; 2.x text to `2500`. */
export const le = (bound: number) => `le=~"${bound}(\\\\.0)?"`;

/** Share of observations at or below `bound` (a bucket bound) over the dashboard's range. */
export const shareBelow = (v: string, bound: number) =>
  `sum(increase(${histogram(v)}_bucket${sel(v, 'route', le(bound))}[$__range])) / sum(increase(${histogram(v)}_count${sel(v, 'route')}[$__range]))`;

export function webVitalsDashboard() {
  const d = dashboard(
    'otel-rum-web-vitals',
    'RUM / Web Vitals overview',
    'p75 of each Core Web Vital with its good / needs-improvement / poor thresholds, the share of good page views, trend and week-over-week, for the selected service, environment, routes and navigation type (hard: page loads; soft: SPA route changes, Chromium only), device class and country: see Segments, or the traces. Metrics: rum_web_vital_by_route_* from the otel-rum collector.',
  );
  d.withVariable(navigationVariable());
  d.withRow(row('p75 over the selected range (green good, orange needs improvement, red poor)'));
  for (const v of VITALS) {
    d.withPanel(
      stat(`${v.title} p75`, v.unit, v.name === 'ttfb' ? 4 : 5)
        .description(`75th percentile of ${v.title}; good <= ${v.good}, poor > ${v.poor}.`)
        .thresholds(ratingThresholds(v.good, v.poor))
        .withTarget(prom(p75(v.name, '$__range', [], '', 'route'), v.title, { instant: true })),
    );
  }
  d.withRow(row('Share of page views rated good / needs improvement / poor'));
  for (const v of VITALS) {
    const good = shareBelow(v.name, v.good);
    const notPoor = shareBelow(v.name, v.poor);
    d.withPanel(
      bars(`${v.title} rating`, 'percentunit', v.name === 'ttfb' ? 4 : 5, 6)
        .min(0)
        .max(1)
        .withTarget(prom(good, 'good', { instant: true, refId: 'good' }))
        .withTarget(
          prom(`${notPoor} - ${good}`, 'needs improvement', { instant: true, refId: 'ni' }),
        )
        .withTarget(prom(`1 - ${notPoor}`, 'poor', { instant: true, refId: 'poor' }))
        .overrideByName('needs improvement', [
          { id: 'color', value: { mode: 'fixed', fixedColor: 'orange' } },
        ])
        .overrideByName('good', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'green' } }])
        .overrideByName('poor', [{ id: 'color', value: { mode: 'fixed', fixedColor: 'red' } }]),
    );
  }
  d.withRow(row('Trend'));
  for (const v of VITALS) {
    d.withPanel(
      timeseries(`${v.title} p75 over time`, v.unit, v.name === 'lcp' ? 24 : 12)
        .thresholds(ratingThresholds(v.good, v.poor))
        .thresholdsStyle(
          new common.GraphThresholdsStyleConfigBuilder().mode(
            common.GraphThresholdsStyleMode.Dashed,
          ),
        )
        .withTarget(prom(p75(v.name, '$__rate_interval', [], '', 'route'), `${v.title} p75`))
        .withTarget(
          prom(
            `sum(rate(${histogram(v.name)}_count${sel(v.name, 'route')}[$__rate_interval]))`,
            'reports/s',
            { refId: 'rate' },
          ),
        )
        .overrideByName('reports/s', [
          { id: 'custom.axisPlacement', value: 'right' },
          { id: 'unit', value: 'reqps' },
        ]),
    );
  }
  d.withRow(row('Week over week (needs a week of history)'));
  for (const v of VITALS.slice(0, 3)) {
    d.withPanel(
      timeseries(`${v.title} p75: this week vs last week`, v.unit, 8)
        .description('The same p75, and the p75 of exactly one week earlier (offset 1w).')
        .withTarget(prom(p75(v.name, '$__rate_interval', [], '', 'route'), 'this week'))
        .withTarget(
          prom(p75(v.name, '$__rate_interval', [], '1w', 'route'), 'last week', {
            refId: 'lastweek',
          }),
        ),
    );
  }
  return d.build();
}
