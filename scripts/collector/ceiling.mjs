// The worst-case number of rum_* series per service, environment and collector replica, from
// the sizes of the bounded label sets (otel-collector/config.yaml, transform/labels). The README
// table (otel-collector/README.md, "Series ceiling") is printed by `node scripts/collector/ceiling.mjs`;
// test/pipeline/scale.test.ts checks the figures against the config and against a real run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../lib/services.mjs';

/** The reference site: 40 route templates, 60 countries, 7 browser families. */
export const REFERENCE_SIZES = {
  // every set counts its collapse value(s) too: routes + other + unknown, countries + unknown, ...
  routes: 40 + 2,
  devices: 3 + 1,
  connections: 4 + 1,
  browsers: 9 + 1, // the default RUM_BROWSER_FAMILIES (8 + other) + unknown
  countries: 60 + 1,
  events: 20 + 1, // event names + other
  ratings: 4, // good, needs-improvement, poor, unknown
  navigations: 2, // rum_navigation on the by-route vital families: hard, soft
  spanLabelSets: 100, // span_metrics aggregation_cardinality_limit (RUM_SPAN_SERIES_MAX)
};

/** Series of one histogram label set: its bounds, +Inf, _sum and _count. */
const histogramSeries = (bounds) => bounds.length + 3;

/** Bucket bounds per signal_to_metrics histogram family and vital, and span_metrics' bounds. */
export function bucketBounds(config = readConfig()) {
  const out = {};
  for (const m of config.connectors.signal_to_metrics.spans) {
    if (!m.histogram) continue;
    // the vital a definition counts is named by the marker attribute it requires (rum.m.<vital>)
    const vital = m.attributes.map((a) => /^rum\.m\.(\w+)$/.exec(a.key)?.[1]).find(Boolean);
    (out[m.name] ??= {})[vital] = m.histogram.buckets;
  }
  out['rum.span'] = { all: config.connectors.span_metrics.histogram.explicit.buckets };
  return out;
}

export function readConfig() {
  return parse(readFileSync(join(ROOT, 'otel-collector/config.yaml'), 'utf8'));
}

/**
 * Rows of { metric, labels, formula, series } and their total for `sizes`.
 * @param {typeof REFERENCE_SIZES} sizes
 */
export function seriesCeiling(sizes = REFERENCE_SIZES, config = readConfig()) {
  const bounds = bucketBounds(config);
  const segments = {
    route: ['rum_page_route', sizes.routes, 'R'],
    device: ['rum_device_class', sizes.devices, 'D'],
    connection: ['rum_network_effective_type', sizes.connections, 'N'],
    browser: ['rum_browser_family', sizes.browsers, 'B'],
    country: ['geo_country_iso_code', sizes.countries, 'C'],
  };
  const rows = [];
  for (const [by, [label, size, sym]] of Object.entries(segments)) {
    const ms = bounds[`rum.web_vital.by_${by}`];
    const perSet = Object.values(ms).reduce((a, b) => a + histogramSeries(b), 0);
    // soft navigations have their own series by route only (every other family counts hard ones)
    const [nav, navLabel, navSym] =
      by === 'route' ? [sizes.navigations, ', rum_navigation', ' x 2'] : [1, '', ''];
    rows.push({
      metric: `rum_web_vital_by_${by}_milliseconds`,
      labels: `browser_web_vital_name (lcp, inp, fcp, ttfb), ${label}${navLabel}`,
      formula: `${perSet} x ${sym}${navSym}`,
      series: perSet * size * nav,
    });
    const cls = histogramSeries(bounds[`rum.web_vital.cls.by_${by}`].cls);
    rows.push({
      metric: `rum_web_vital_cls_by_${by}`,
      labels: `browser_web_vital_name (cls), ${label}${navLabel}`,
      formula: `${cls} x ${sym}${navSym}`,
      series: cls * size * nav,
    });
  }
  const pair = histogramSeries(bounds['rum.web_vital.by_route_device'].lcp);
  rows.push({
    metric: 'rum_web_vital_by_route_device_milliseconds',
    labels: 'browser_web_vital_name (lcp), rum_page_route, rum_device_class',
    formula: `${pair} x R x D`,
    series: pair * sizes.routes * sizes.devices,
  });
  const sumOfSegments = Object.values(segments).reduce((a, [, size]) => a + size, 0);
  for (const name of ['page_views', 'errors', 'sessions'])
    rows.push({
      metric: `rum_${name}_by_{route,device,connection,browser,country}_total`,
      labels: "that family's page label",
      formula: 'R + D + N + B + C',
      series: sumOfSegments,
    });
  rows.push({
    metric: 'rum_custom_events_total',
    labels: 'rum_event_name, rum_page_lcp_rating',
    formula: 'E x 4',
    series: sizes.events * sizes.ratings,
  });
  const span = histogramSeries(bounds['rum.span'].all) + 1; // + rum_span_calls_total
  rows.push({
    metric: 'rum_span_duration_milliseconds + rum_span_calls_total',
    labels: 'span_name, span_kind, status_code, url_template',
    formula: `${span} x (L + 1 overflow)`,
    series: span * (sizes.spanLabelSets + 1),
  });
  return { rows, total: rows.reduce((a, r) => a + r.series, 0) };
}

/**
 * The hard ceiling whatever the traffic: delta_to_cumulative's max_streams label sets of the
 * largest histogram, plus span_metrics' limit.
 */
export function hardCeiling(config = readConfig(), env = process.env) {
  const bounds = bucketBounds(config);
  const largest = Math.max(
    ...Object.entries(bounds)
      .filter(([name]) => name !== 'rum.span') // span_metrics has its own limit
      .flatMap(([, v]) => Object.values(v))
      .map(histogramSeries),
  );
  const streams = Number(
    env.RUM_METRIC_STREAMS_MAX ??
      /:-(\d+)\}/.exec(String(config.processors.delta_to_cumulative.max_streams))?.[1],
  );
  const spanSets = Number(
    env.RUM_SPAN_SERIES_MAX ??
      /:-(\d+)\}/.exec(String(config.connectors.span_metrics.aggregation_cardinality_limit))?.[1],
  );
  const span = histogramSeries(bounds['rum.span'].all) + 1;
  return { streams, spanSets, series: streams * largest + span * (spanSets + 1) };
}

if (process.argv[1]?.endsWith('ceiling.mjs')) {
  const { rows, total } = seriesCeiling();
  console.log('| metric | labels | series | at the reference sizes |');
  console.log('|---|---|---|---:|');
  for (const r of rows)
    console.log(`| \`${r.metric}\` | ${r.labels} | ${r.formula} | ${r.series} |`);
  console.log(`| **total** | | | **${total}** |`);
  const hard = hardCeiling();
  console.log(
    `\nhard ceiling: ${hard.streams} streams x largest histogram + span metrics = ${hard.series}`,
  );
}
