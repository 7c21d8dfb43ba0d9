// Every Prometheus panel of every generated dashboard returns data from the real pipeline: real
// Chromium runs the real SDK on the e2e pages served by the demo server, the real collector (our
// config) feeds Jaeger and Prometheus, and each Prometheus target runs against its HTTP API the
// way Grafana would run it. TraceQL panels need Tempo, which only compose runs: the test lists
// them (an explicit list, so a new one cannot slip in unseen) and checks that the Jaeger search
// equivalent to each TraceQL *search* panel finds the spans that panel lists. Also: the committed
// JSON is what the generator makes, the alert rules pass `promtool test rules` and load in the
// running Prometheus.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// @ts-expect-error plain ES module without types
import { freePort, goProgramBinary, startPipeline, ROOT } from '../../scripts/lib/services.mjs';
import { DASHBOARD_DIR, renderDashboards } from '../../scripts/grafana/dashboards';
import { launchChromium } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { eventually, promQuery } from '../pipeline/query';
import {
  checkDashboard,
  checkTraceSearch,
  panelsOf,
  type Dashboard,
  type TargetResult,
  type TraceSearchEquivalent,
} from './panels';
import { SOFT_ROUTE, driveTraffic } from './traffic';

let stack: any;
let demo: DemoServer | undefined;
let trafficStart = 0;

beforeAll(async () => {
  // The demo needs the collector's URL and the collector needs the demo's origin (CORS): fix the
  // collector's port first.
  const otlpPort: number = await freePort();
  const collector = `http://127.0.0.1:${otlpPort}`;
  demo = await startDemo({ collector, webRoot: join(ROOT, 'test/e2e/pages') });
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: {
      otlpPort,
      corsOrigins: [demo.web],
      env: { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' },
    },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  console.log(`[dashboards] logs in ${stack.dir}`);
  const browser = await launchChromium();
  trafficStart = Date.now();
  try {
    await driveTraffic(browser.browser, demo.web, collector, 3);
  } finally {
    await browser.close();
  }
  // everything the last page views sent is scraped and searchable
  await eventually(async () => {
    const r = await promQuery(stack.prometheus.url, 'sum(rum_custom_events_total)');
    if (!r.length) throw new Error('no custom events in Prometheus yet');
  }, 60_000);
  await new Promise((r) => setTimeout(r, 10_000));
});

afterAll(async () => {
  await demo?.stop();
  await stack?.stop();
});

const dashboards = (): [string, Dashboard][] =>
  Object.keys(renderDashboards()).map((f) => [
    f,
    JSON.parse(readFileSync(join(DASHBOARD_DIR, f), 'utf8')),
  ]);

const apis = () => ({
  prometheus: stack.prometheus.url,
  jaeger: stack.jaeger.url,
  rangeSeconds: Math.ceil((Date.now() - trafficStart) / 1000) + 60,
});

/**
 * The TraceQL panels: Grafana runs them on Tempo (compose); Jaeger, the tests' trace store, has no
 * TraceQL, so they are not exercised here. A new TraceQL panel must be added to this list.
 */
const TEMPO_ONLY = [
  'api-calls.json / Latency by URL: p50 / p95 (TraceQL metrics) [tempo metrics]',
  'api-calls.json / Failed calls by URL and status (TraceQL metrics) [tempo metrics]',
  'api-calls.json / Slowest calls (example traces) [tempo search]',
  'errors.json / Top error messages (TraceQL metrics) [tempo metrics]',
  'errors.json / Top error types by route (TraceQL metrics) [tempo metrics]',
  'errors.json / Example error traces [tempo search]',
  'errors.json / Top error groups (TraceQL metrics) [tempo metrics]',
  'errors.json / Error groups over time (example traces as exemplars) [tempo metrics]',
  'errors.json / Error group examples [tempo search]',
  'sessions-business.json / Journey steps (useJourneyStep, TraceQL metrics) [tempo metrics]',
];

/** The Jaeger search equivalent to each TraceQL search panel (scripts/grafana/boards/). */
const JAEGER_EQUIVALENTS: Record<string, TraceSearchEquivalent> = {
  // { kind = client && span.http.request.method != nil && TRACE_FILTER } && { duration > 10ms }
  //   | select(span.url.full, span.http.response.status_code, span.rum.page.route)
  'api-calls.json / Slowest calls (example traces)': {
    spanKind: 'client',
    minDuration: '10ms',
    required: ['http.request.method'],
    columns: ['url.full', 'http.response.status_code', 'rum.page.route'],
  },
  // { name = "error" && TRACE_FILTER } | select(span.exception.type, span.exception.message,
  //   span.rum.page.route, span.rum.browser.family, span.rum.page.url)
  'errors.json / Example error traces': {
    operation: 'error',
    columns: [
      'exception.type',
      'exception.message',
      'rum.page.route',
      'rum.browser.family',
      'rum.page.url',
    ],
  },
  // { name = "error" && span.exception.fingerprint =~ "$fingerprint" && TRACE_FILTER }
  //   | select(span.exception.fingerprint, span.exception.type, span.exception.message,
  //     span.exception.stacktrace, span.rum.page.route, span.rum.browser.family)
  // and one group at a time ($fingerprint set): Jaeger's search by tag exception.fingerprint
  'errors.json / Error group examples': {
    operation: 'error',
    required: ['exception.fingerprint'],
    columns: [
      'exception.fingerprint',
      'exception.type',
      'exception.message',
      'exception.stacktrace',
      'rum.page.route',
      'rum.browser.family',
    ],
    groupTag: 'exception.fingerprint',
  },
};

describe('dashboards', () => {
  it('the committed JSON is what scripts/grafana/dashboards.ts generates', () => {
    for (const [file, text] of Object.entries(renderDashboards())) {
      expect(readFileSync(join(DASHBOARD_DIR, file), 'utf8'), file).toBe(text);
    }
  });

  it('every Prometheus panel returns data from the live Prometheus; TraceQL panels are listed', async () => {
    const results: TargetResult[] = [];
    let panels = 0;
    let withData = 0;
    const empty: string[] = [];
    const tempoOnly: string[] = [];
    for (const [file, d] of dashboards()) {
      const r = await checkDashboard(d, apis());
      results.push(...r);
      for (const p of panelsOf(d)) {
        const mine = r.filter((t) => t.panel === p.title);
        for (const t of mine.filter((x) => x.tempoOnly))
          tempoOnly.push(`${file} / ${p.title} [${t.api}]`);
        const prom = mine.filter((t) => !t.tempoOnly);
        if (!prom.length) continue;
        panels++;
        // a panel has data when every target does, except week-over-week ones (no week of history)
        const missing = prom.filter((t) => t.error || (t.series === 0 && !t.historical));
        if (!missing.length && prom.some((t) => t.series > 0)) withData++;
        else
          empty.push(
            `${file} / ${p.title}: ${missing.map((t) => `[${t.refId}] ${t.error ?? 'no data'}: ${t.query}`).join('; ')}`,
          );
      }
    }
    const historical = results.filter((t) => t.historical);
    console.log(
      `[dashboards] Prometheus panels checked ${panels} / returning data ${withData}; targets ` +
        `${results.filter((t) => !t.tempoOnly).length}, with data ${results.filter((t) => t.series > 0).length}; ` +
        `${historical.length} week-over-week targets ran without error, empty: they need a week of history`,
    );
    console.log(
      `[dashboards] Tempo-only, not exercised in CI (${tempoOnly.length} TraceQL panels):\n  ${tempoOnly.join('\n  ')}`,
    );
    if (empty.length) console.log(`[dashboards] empty panels:\n  ${empty.join('\n  ')}`);
    expect(historical.every((t) => !t.error)).toBe(true);
    expect(empty).toEqual([]);
    expect([...tempoOnly].sort()).toEqual([...TEMPO_ONLY].sort());
  });

  it('the Jaeger search equivalent to each TraceQL search panel finds the spans it lists', async () => {
    const searchPanels = TEMPO_ONLY.filter((p) => p.endsWith('[tempo search]')).map((p) =>
      p.replace(/ \[tempo search\]$/, ''),
    );
    expect(Object.keys(JAEGER_EQUIVALENTS).sort()).toEqual(searchPanels.sort());
    const boards = Object.fromEntries(dashboards());
    for (const [panel, eq] of Object.entries(JAEGER_EQUIVALENTS)) {
      const board = boards[panel.split(' / ')[0]!]!;
      const r = await checkTraceSearch(board, eq, apis());
      const example = r.spans[0];
      console.log(
        `[dashboards] ${panel}: ${r.spans.length} spans in ${r.searches} Jaeger searches` +
          (example
            ? `, e.g. ${example.resource['service.name']}:${example.name} ${Math.round(example.durationMs)} ms ` +
              JSON.stringify(Object.fromEntries(eq.columns.map((c) => [c, example.attributes[c]])))
            : ''),
      );
      if (r.groups)
        console.log(
          `[dashboards] ${panel}: one group at a time, by tag ${eq.groupTag}: ${JSON.stringify(r.groups)}`,
        );
      expect(r.errors, panel).toEqual([]);
      expect(r.spans.length, panel).toBeGreaterThan(0);
      if (eq.groupTag) expect(Object.keys(r.groups ?? {}).length, panel).toBeGreaterThan(0);
    }
  });

  it('with navigation = soft, every panel on the by-route vital families returns the soft-navigation vitals', async () => {
    // the by-route families carry rum_navigation; the traffic sent soft-navigation vitals on a
    // route of their own
    const soft = await promQuery(
      stack.prometheus.url,
      `sum by (browser_web_vital_name, rum_navigation) (rum_web_vital_by_route_milliseconds_count{rum_page_route="${SOFT_ROUTE}"}) or sum by (browser_web_vital_name, rum_navigation) (rum_web_vital_cls_by_route_count{rum_page_route="${SOFT_ROUTE}"})`,
    );
    expect(
      soft.map((s) => `${s.metric.browser_web_vital_name} ${s.metric.rum_navigation}`).sort(),
    ).toEqual(['cls', 'fcp', 'inp', 'lcp', 'ttfb'].map((v) => `${v} soft`));
    // and they stay out of every other family (hard navigations only)
    const elsewhere = await promQuery(
      stack.prometheus.url,
      `count({__name__=~"rum_web_vital_.+_count", __name__!~"rum_web_vital_(by_route_milliseconds|cls_by_route)_count", rum_page_route="${SOFT_ROUTE}"})`,
    );
    expect(elsewhere).toEqual([]);
    let checked = 0;
    const empty: string[] = [];
    for (const [file, d] of dashboards()) {
      if (!d.templating.list.some((v) => v.name === 'navigation')) continue;
      for (const t of await checkDashboard(d, apis(), { navigation: 'soft' })) {
        if (!/rum_navigation/.test(t.query) || t.historical) continue;
        checked++;
        if (t.error || t.series === 0)
          empty.push(`${file} / ${t.panel} [${t.refId}]: ${t.error ?? 'no data'}`);
      }
    }
    console.log(
      `[dashboards] navigation = soft: ${checked - empty.length} of ${checked} by-route targets return data`,
    );
    expect(checked).toBeGreaterThan(0);
    expect(empty).toEqual([]);
  });
});

describe('datasources', () => {
  it("the Tempo datasource's traces-to-metrics queries return data for a span's service and route", async () => {
    const file = readFileSync(
      join(ROOT, 'grafana/provisioning/datasources/datasources.yaml'),
      'utf8',
    );
    const tempo = (parse(file).datasources as any[]).find((d) => d.type === 'tempo');
    const queries: { name: string; query: string }[] = tempo.jsonData.tracesToMetrics.queries;
    expect(queries.length).toBeGreaterThan(0);
    // what Grafana puts for $__tags from a span of the demo's app page (tags: service, route)
    const route = await promQuery(
      stack.prometheus.url,
      'rum_page_views_by_route_total{service_name="e2e-app"}',
    );
    const tags = `service_name="e2e-app", rum_page_route="${route[0]!.metric.rum_page_route}"`;
    for (const { name, query } of queries) {
      const q = query.replaceAll('$$__tags', tags).replace('[5m]', `[${apis().rangeSeconds}s]`);
      const r = await promQuery(stack.prometheus.url, q);
      expect(r.length, `${name}: ${q}`).toBeGreaterThan(0);
    }
  });
});

describe('alert rules', () => {
  it('pass promtool test rules (a firing and a not-firing case per alert)', async () => {
    // the promtool of our Prometheus build (scripts/collector/build-go-program.sh prometheus)
    const { stdout } = await promisify(execFile)(await goProgramBinary('promtool'), [
      'test',
      'rules',
      join(ROOT, 'prometheus/rules/tests/rum-alerts.test.yml'),
    ]);
    expect(stdout).toContain('SUCCESS');
  });

  it('load and evaluate in the running Prometheus', async () => {
    const res = await fetch(`${stack.prometheus.url}/api/v1/rules`);
    const groups: any[] = (await res.json()).data.groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(groups.map((g) => g.name).sort()).toEqual(['rum-errors-and-delivery', 'rum-web-vitals']);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'RumClsP75Poor',
      'RumErrorRateSpike',
      'RumInpP75Poor',
      'RumLcpP75Poor',
      'RumTelemetryStopped',
    ]);
    for (const r of rules) expect(r.health, `${r.name}: ${r.lastError}`).not.toBe('err');
  });
});
