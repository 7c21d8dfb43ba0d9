// The real collector (our build, our config) -> real Jaeger and real Prometheus, driven with
// OTLP/HTTP the test writes itself. Checks the metrics the dashboards are built on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { startPipeline } from '../../scripts/lib/services.mjs';
import {
  pageAttrs,
  postJson,
  postProtobuf,
  toProtobuf,
  tracesPayload,
  webVital,
  hexId,
} from './otlp';
import type { SpanSpec } from './otlp';
import { eventually, promExemplars, promQuery, promValue, traceById } from './query';

const ORIGIN = 'http://127.0.0.1:5173';
// Each run labels its data with its own service name, so a re-used Prometheus can't confuse it.
const SERVICE = `pipeline-metrics-${hexId(3)}`;
const RESOURCE = {
  'service.name': SERVICE,
  'deployment.environment.name': 'test',
  'service.version': '1.0.0',
};
const sel = `service_name="${SERVICE}"`;

let stack: any;
let otlp: string;
let prom: string;
let jaeger: string;

beforeAll(async () => {
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: { corsOrigins: [ORIGIN], env: { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' } },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  otlp = stack.collector.otlpUrl;
  prom = stack.prometheus.url;
  jaeger = stack.jaeger.url;
  console.log(`[pipeline] logs in ${stack.dir}`);
});

afterAll(async () => {
  await stack?.stop();
});

async function send(spans: SpanSpec[], headers: Record<string, string> = {}) {
  const { body, traceIds } = tracesPayload(spans, RESOURCE);
  const res = await postJson(otlp, body, { origin: ORIGIN, 'cf-ipcountry': 'FR', ...headers });
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  return traceIds;
}

describe('Web Vitals histograms', () => {
  it('counts each report once, in buckets that hold the thresholds, with bounded labels', async () => {
    await send([
      webVital('lcp', 2400, 'good'),
      webVital('lcp', 4100, 'poor'),
      // a second report of the same metric id: must not be counted
      webVital('lcp', 4100, 'poor', { 'rum.web_vital.repeat': true }),
      webVital('inp', 180, 'good'),
      webVital('inp', 350, 'needs-improvement'),
      webVital('cls', 0.05, 'good'),
      webVital('cls', 0.3, 'poor'),
      webVital('ttfb', 900, 'needs-improvement', {
        'rum.device.class': 'mobile',
        'rum.network.effective_type': '3g',
      }),
    ]);
    // the same data as protobuf
    const pb = tracesPayload(
      [webVital('fcp', 1700, 'good', { 'rum.browser.family': 'firefox' })],
      RESOURCE,
    );
    const pbRes = await postProtobuf(otlp, toProtobuf(pb.body), { 'cf-ipcountry': 'FR' });
    expect(pbRes.status).toBe(200);

    const lcp = `rum_web_vital_by_route_milliseconds_bucket{${sel},browser_web_vital_name="lcp"`;
    await eventually(async () => {
      expect(await promValue(prom, `sum(${lcp},le="+Inf"})`)).toBe(2);
    });
    expect(await promValue(prom, `sum(${lcp},le=~"2500(.0)?"})`)).toBe(1);
    expect(await promValue(prom, `sum(${lcp},le=~"4000(.0)?"})`)).toBe(1);
    const inp = `rum_web_vital_by_route_milliseconds_bucket{${sel},browser_web_vital_name="inp"`;
    expect(await promValue(prom, `sum(${inp},le=~"200(.0)?"})`)).toBe(1);
    expect(await promValue(prom, `sum(${inp},le=~"500(.0)?"})`)).toBe(2);
    const cls = `rum_web_vital_cls_by_route_bucket{${sel}`;
    await eventually(async () => expect(await promValue(prom, `sum(${cls},le="+Inf"})`)).toBe(2));
    expect(await promValue(prom, `sum(${cls},le=~"0.1(.0)?"})`)).toBe(1);
    expect(await promValue(prom, `sum(${cls},le=~"0.25(.0)?"})`)).toBe(1);
    expect(await promValue(prom, `sum(rum_web_vital_cls_by_route_sum{${sel}})`)).toBeCloseTo(
      0.35,
      6,
    );
    await eventually(async () =>
      expect(
        await promValue(
          prom,
          `sum(rum_web_vital_by_browser_milliseconds_count{${sel},browser_web_vital_name="fcp",rum_browser_family="firefox"})`,
        ),
      ).toBe(1),
    );

    // TTFB of a mobile 3G Chrome view in France on /products/:id: one observation in each
    // family, which carries its own page label and nothing else
    const families = {
      route: ['rum_page_route', '/products/:id'],
      device: ['rum_device_class', 'mobile'],
      connection: ['rum_network_effective_type', '3g'],
      browser: ['rum_browser_family', 'chrome'],
      country: ['geo_country_iso_code', 'FR'],
    } as const;
    for (const [family, [label, value]] of Object.entries(families)) {
      const [ttfb] = await promQuery(
        prom,
        `rum_web_vital_by_${family}_milliseconds_count{${sel},browser_web_vital_name="ttfb"}`,
      );
      expect(ttfb!.metric).toMatchObject({
        service_name: SERVICE,
        deployment_environment_name: 'test',
        collector_instance_id: 'default',
        [label]: value,
      });
      expect(Number(ttfb!.value[1])).toBe(1);
      // nothing unbounded (session, page URL, view id, user), and no other dimension, is a label
      expect(Object.keys(ttfb!.metric).sort()).toEqual(
        [
          '__name__',
          'browser_web_vital_name',
          'collector_instance_id',
          'deployment_environment_name',
          'instance',
          'job',
          label,
          'service_name',
          // by route only: hard navigations or soft ones (SPA routes)
          ...(family === 'route' ? ['rum_navigation'] : []),
        ].sort(),
      );
      if (family === 'route') expect(ttfb!.metric.rum_navigation).toBe('hard');
    }
    // the "worst segments" pair: LCP by route and device class together, nothing else
    expect(
      await promValue(
        prom,
        `sum(rum_web_vital_by_route_device_milliseconds_count{${sel},rum_page_route="/products/:id",rum_device_class="desktop"})`,
      ),
    ).toBe(2);
  });
});

describe('counters', () => {
  it('page views, errors, sessions and custom events equal what was sent', async () => {
    const spans: SpanSpec[] = [
      ...Array.from({ length: 3 }, () => ({ name: 'page_load', attributes: pageAttrs() })),
      ...Array.from({ length: 2 }, () => ({
        name: 'route_change',
        attributes: pageAttrs({ 'rum.page.route': '/cart' }),
      })),
      ...Array.from({ length: 4 }, () => ({
        name: 'error',
        attributes: pageAttrs({
          'exception.type': 'TypeError',
          'exception.message': 'x is undefined',
        }),
      })),
      { name: 'session_start', attributes: pageAttrs() },
      { name: 'session_start', attributes: pageAttrs() },
      ...Array.from({ length: 3 }, () => ({
        name: 'custom_event',
        attributes: pageAttrs({ 'rum.event.name': 'add_to_cart', 'rum.page.lcp_rating': 'poor' }),
      })),
      {
        name: 'custom_event',
        attributes: pageAttrs({ 'rum.event.name': 'checkout', 'rum.page.lcp_rating': 'good' }),
      },
    ];
    await send(spans.slice(0, 7));
    await send(spans.slice(7)); // a second batch: cumulative across requests

    await eventually(async () => {
      expect(await promValue(prom, `sum(rum_page_views_by_route_total{${sel}})`)).toBe(5);
      expect(await promValue(prom, `sum(rum_errors_by_route_total{${sel}})`)).toBe(4);
      expect(await promValue(prom, `sum(rum_sessions_by_route_total{${sel}})`)).toBe(2);
      expect(await promValue(prom, `sum(rum_custom_events_total{${sel}})`)).toBe(4);
    });
    expect(
      await promValue(prom, `sum(rum_page_views_by_route_total{${sel},rum_page_route="/cart"})`),
    ).toBe(2);
    // both scrape jobs of prometheus/prometheus.yml are up (RUM metrics and collector self-metrics)
    expect(await promValue(prom, 'up{job="otel-rum"}')).toBe(1);
    expect(await promValue(prom, 'up{job="otelcol"}')).toBe(1);
    expect(
      await promValue(
        prom,
        `rum_custom_events_total{${sel},rum_event_name="add_to_cart",rum_page_lcp_rating="poor"}`,
      ),
    ).toBe(3);
    expect(
      await promValue(
        prom,
        `rum_custom_events_total{${sel},rum_event_name="checkout",rum_page_lcp_rating="good"}`,
      ),
    ).toBe(1);
  });
});

describe('span metrics and exemplars', () => {
  it('HTTP and interaction latency have trace-id exemplars that Jaeger returns', async () => {
    const http: SpanSpec = {
      name: 'HTTP GET',
      kind: 3,
      durationMs: 180,
      attributes: pageAttrs({
        'http.request.method': 'GET',
        'url.full': 'https://api.example/items/123',
        'http.response.status_code': 200,
      }),
    };
    const click: SpanSpec = { name: 'click', durationMs: 320, attributes: pageAttrs() };
    const traceIds = await send([http, click, { name: 'page_load', attributes: pageAttrs() }]);

    await eventually(async () => {
      expect(
        await promValue(
          prom,
          `sum(rum_span_duration_milliseconds_count{${sel},span_name="HTTP GET"})`,
        ),
      ).toBe(1);
      expect(
        await promValue(
          prom,
          `sum(rum_span_duration_milliseconds_count{${sel},span_name="click"})`,
        ),
      ).toBe(1);
    });
    // page_load is not an HTTP/interaction span, so span_metrics ignores it
    expect(
      await promQuery(prom, `rum_span_calls_total{${sel},span_name="page_load"}`),
    ).toHaveLength(0);
    expect(
      (await promValue(
        prom,
        `sum(rum_span_duration_milliseconds_bucket{${sel},span_name="click",le=~"500(.0)?"})`,
      )) -
        (await promValue(
          prom,
          `sum(rum_span_duration_milliseconds_bucket{${sel},span_name="click",le=~"300(.0)?"})`,
        )),
    ).toBe(1);

    const exemplarIds = await eventually(async () => {
      const series = await promExemplars(prom, `rum_span_duration_milliseconds_bucket{${sel}}`);
      const ids = series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
      expect(ids.length).toBeGreaterThan(0);
      return ids;
    });
    console.log(`[pipeline] exemplar trace ids: ${exemplarIds.join(', ')}`);
    expect(traceIds.slice(0, 2)).toEqual(expect.arrayContaining([exemplarIds[0]]));

    const spans = await eventually(() => traceById(jaeger, exemplarIds[0]!), 60_000, 1000);
    expect(spans[0]!.traceId).toBe(exemplarIds[0]);
    expect(['HTTP GET', 'click']).toContain(spans[0]!.name);
    // enrichment landed on the trace: country from the CDN header, client IP only as a hash
    expect(spans[0]!.resource['geo.country.iso_code']).toBe('FR');
    expect(spans[0]!.resource['client.address.hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(spans)).not.toContain('127.0.0.1');
  });
});
