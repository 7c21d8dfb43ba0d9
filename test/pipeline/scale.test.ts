// Metrics at scale: realistic traffic (40 routes, 60 countries, 3 device classes, 4 connection
// types, 7 browsers, all at once, Zipf-popular; scripts/collector/traffic.mjs) through the real
// collector into real Prometheus. The rum_* series stay under the documented ceiling, and the
// dashboards' own queries give the right answers: p75 per route and per country within one
// bucket of the true p75 of the values sent, "% good" exact, counters equal to what was sent.
// Then a bad deploy (a route-template leak, spoofed country headers) stays under the hard ceiling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { scrape, startPipeline } from '../../scripts/lib/services.mjs';
// @ts-expect-error plain ES module without types
import { traffic, THRESHOLDS } from '../../scripts/collector/traffic.mjs';
// @ts-expect-error plain ES module without types
import * as ceiling from '../../scripts/collector/ceiling.mjs';
// @ts-expect-error plain ES module without types
import { countSeries } from '../../scripts/collector/bench.mjs';
import { le, p75, shareBelow } from '../../scripts/grafana/boards/web-vitals';
import { counter } from '../../scripts/grafana/common';
import { hexId } from './otlp';
import { dashboardQuery as atScale } from './dashboard-query';
import { eventually, promQuery, promValue } from './query';

const SERVICE = `scale-${hexId(3)}`;
const SPANS = 120_000;

let stack: any;
let prom: string;
let ledger: any;

const dashboardQuery = (q: string) => atScale(q, SERVICE);

async function post(body: string, country: string) {
  const res = await fetch(`${stack.collector.otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-ipcountry': country },
    body,
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: { env: { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' } },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  prom = stack.prometheus.url;
  const source = traffic({ seed: 11, service: SERVICE, environment: 'scale' });
  let sent = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sent < SPANS) {
        const batch = source.next();
        sent += batch.spans;
        await post(batch.body, batch.country);
      }
    }),
  );
  ledger = source.ledger;
  console.log(`[scale] ${ledger.spans} spans in ${Date.now() - started} ms; logs in ${stack.dir}`);
  const views = Object.values(ledger.pageViews.route as Record<string, { n: number }>).reduce(
    (a, b) => a + b.n,
    0,
  );
  await eventually(async () => {
    expect(
      await promValue(prom, `sum(rum_page_views_by_route_total{service_name="${SERVICE}"})`),
    ).toBe(views);
  }, 60_000);
  await new Promise((r) => setTimeout(r, 3_000)); // one more span_metrics flush and scrape
});

afterAll(async () => {
  await stack?.stop();
});

/** True p75 the way histogram_quantile ranks it: the value at rank ceil(0.75 n). */
const trueP75 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.75 * sorted.length) - 1]!;
};

/** Index of the bucket (by upper bound) that holds `v`. */
const bucketOf = (bounds: number[], v: number) => {
  const i = bounds.findIndex((b) => v <= b);
  return i === -1 ? bounds.length : i;
};

const { REFERENCE_SIZES, bucketBounds, hardCeiling, seriesCeiling } = ceiling;

describe('series ceiling', () => {
  it('the config has the bucket counts the documented ceiling is computed from', () => {
    const b = bucketBounds();
    const counts = (family: Record<string, number[]>) =>
      Object.fromEntries(Object.entries(family).map(([v, bounds]) => [v, bounds.length]));
    expect(counts(b['rum.web_vital.by_route'])).toEqual({ lcp: 9, inp: 8, fcp: 8, ttfb: 8 });
    expect(counts(b['rum.web_vital.cls.by_country'])).toEqual({ cls: 7 });
    const { total } = seriesCeiling(REFERENCE_SIZES);
    expect(total).toBeLessThanOrEqual(20_000);
    expect(hardCeiling().series).toBeLessThanOrEqual(20_000);
  });

  it('realistic traffic stays under the ceiling, and Prometheus holds exactly what the collector exposes', async () => {
    const { series, streams, families } = await countSeries(stack.collector.metricsUrl);
    const { total } = seriesCeiling(REFERENCE_SIZES);
    console.log(`[scale] rum_* series ${series} (${streams} label sets), ceiling ${total}`);
    console.log(`[scale] by family: ${JSON.stringify(Object.fromEntries(families))}`);
    expect(series).toBeGreaterThan(2_000); // every dimension varied: not a trivial run
    expect(series).toBeLessThanOrEqual(total);
    const inProm = await promValue(prom, `count({__name__=~"rum_.+", service_name="${SERVICE}"})`);
    expect(inProm).toBe(series);
    // no label outside the bounded sets: a route or country label is one the traffic used
    const routes = await promQuery(
      prom,
      `count by (rum_page_route) (rum_page_views_by_route_total{service_name="${SERVICE}"})`,
    );
    expect(routes.map((r) => r.metric.rum_page_route).sort()).toEqual(
      Object.keys(ledger.pageViews.route).sort(),
    );
  });
});

describe('the dashboards answer right at scale', () => {
  for (const [dimension, label, family] of [
    ['route', 'rum_page_route', 'route'],
    ['country', 'geo_country_iso_code', 'country'],
    ['device', 'rum_device_class', 'device'],
  ] as const) {
    it(`p75 LCP, INP and CLS per ${dimension} is within one bucket of the true p75`, async () => {
      const bounds = bucketBounds();
      let compared = 0;
      for (const vital of ['lcp', 'inp', 'cls']) {
        const fam =
          vital === 'cls' ? `rum.web_vital.cls.by_${family}` : `rum.web_vital.by_${family}`;
        const b: number[] = bounds[fam][vital];
        expect(b.length).toBeGreaterThan(0);
        const q = dashboardQuery(p75(vital, '$__range', [label], '', family));
        const got = new Map(
          (await promQuery(prom, q)).map((s) => [s.metric[label], Number(s.value[1])]),
        );
        for (const [value, metrics] of Object.entries(
          ledger.vitals[dimension] as Record<string, Record<string, number[]>>,
        )) {
          const values = metrics[vital];
          if (!values || values.length < 20) continue;
          const want = trueP75(values);
          const have = got.get(value);
          expect(have, `${vital} p75 for ${dimension}=${value}`).toBeDefined();
          expect(
            bucketOf(b, have!),
            `${vital} p75 ${dimension}=${value}: metrics ${have}, true ${want}`,
          ).toBe(bucketOf(b, want));
          compared++;
        }
      }
      console.log(`[scale] p75 per ${dimension}: ${compared} segment x vital pairs compared`);
      expect(compared).toBeGreaterThan(dimension === 'device' ? 8 : 60);
    });
  }

  it('"% good" of every vital is exact', async () => {
    for (const [vital, [good, poor]] of Object.entries(
      THRESHOLDS as Record<string, [number, number]>,
    )) {
      const values = Object.values(
        ledger.vitals.route as Record<string, Record<string, number[]>>,
      ).flatMap((m) => m[vital] ?? []);
      for (const bound of [good, poor]) {
        const want = values.filter((v) => v <= bound).length / values.length;
        const have = await promValue(prom, dashboardQuery(shareBelow(vital, bound)));
        expect(have, `${vital} share <= ${bound}`).toBeCloseTo(want, 12);
      }
    }
    expect(le(2500)).toContain('2500');
  });

  it('page views, errors and sessions per segment, and custom events, equal what was sent', async () => {
    for (const [name, key] of [
      ['page_views', 'pageViews'],
      ['errors', 'errors'],
      ['sessions', 'sessions'],
    ] as const)
      for (const [dimension, label] of [
        ['route', 'rum_page_route'],
        ['device', 'rum_device_class'],
        ['connection', 'rum_network_effective_type'],
        ['browser', 'rum_browser_family'],
        ['country', 'geo_country_iso_code'],
      ] as const) {
        const q = dashboardQuery(`sum by (${label}) (${counter(name, dimension)})`);
        const got = Object.fromEntries(
          (await promQuery(prom, q)).map((s) => [s.metric[label], Number(s.value[1])]),
        );
        const want = Object.fromEntries(
          Object.entries(ledger[key][dimension] as Record<string, { n: number }>).map(([k, v]) => [
            k,
            v.n,
          ]),
        );
        expect(got, `${name} by ${dimension}`).toEqual(want);
      }
    const events = await promQuery(prom, `rum_custom_events_total{service_name="${SERVICE}"}`);
    const got: Record<string, Record<string, number>> = {};
    for (const s of events)
      (got[s.metric.rum_event_name!] ??= {})[s.metric.rum_page_lcp_rating!] = Number(s.value[1]);
    expect(got).toEqual(ledger.events);
  });
});

describe('a bad deploy', () => {
  it('a route-template leak and spoofed countries stay under the hard ceiling; existing series keep counting', async () => {
    const leak = `leak-${hexId(3)}`;
    // 3,000 distinct "routes" (a template that stopped templating), each with a page view and LCP
    const spans = (i: number) =>
      ['page_load', 'web_vital'].map((name) => ({
        traceId: hexId(16),
        spanId: hexId(8),
        name,
        kind: 1,
        startTimeUnixNano: String(Date.now() * 1e6),
        endTimeUnixNano: String(Date.now() * 1e6),
        attributes: [
          { key: 'rum.page.route', value: { stringValue: `/product/item-${i}-blue` } },
          { key: 'rum.device.class', value: { stringValue: 'mobile' } },
          ...(name === 'web_vital'
            ? [
                { key: 'browser.web_vital.name', value: { stringValue: 'lcp' } },
                { key: 'browser.web_vital.value', value: { doubleValue: 1800 } },
              ]
            : []),
        ],
      }));
    // first, spoofed country headers: two capital letters, but no country
    const spoofed = (i: number) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: leak } }] },
            scopeSpans: [{ spans: spans(i) }],
          },
        ],
      });
    await post(spoofed(0), 'QQ');
    await post(spoofed(1), 'ZZ');
    await eventually(async () => {
      const countries = await promQuery(
        prom,
        `sum by (geo_country_iso_code) (rum_page_views_by_country_total{service_name="${leak}"})`,
      );
      expect(countries.map((c) => [c.metric.geo_country_iso_code, Number(c.value[1])])).toEqual([
        ['unknown', 2],
      ]);
    }, 30_000);
    for (let i = 0; i < 3_000; i += 50) {
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: leak } }] },
            scopeSpans: [{ spans: Array.from({ length: 50 }, (_, k) => spans(i + k)).flat() }],
          },
        ],
      });
      await post(body, 'DE');
    }
    // a known series of the realistic traffic still counts after the cap is reached
    const before = await promValue(
      prom,
      `sum(rum_page_views_by_device_total{service_name="${SERVICE}",rum_device_class="desktop"})`,
    );
    const source = traffic({ seed: 99, service: SERVICE, environment: 'scale' });
    let desktopViews = 0;
    while (desktopViews === 0) {
      const batch = source.next();
      await post(batch.body, batch.country);
      desktopViews = source.ledger.pageViews.device?.desktop?.n ?? 0;
    }
    await eventually(async () => {
      expect(
        await promValue(
          prom,
          `sum(rum_page_views_by_device_total{service_name="${SERVICE}",rum_device_class="desktop"})`,
        ),
      ).toBe(before + desktopViews);
    }, 30_000);

    const { series } = await countSeries(stack.collector.metricsUrl);
    const hard = hardCeiling();
    const limited = (await scrape(`http://${stack.collector.telemetryTarget}/metrics`)).sum(
      /^otelcol_deltatocumulative_datapoints.*error="limit"/,
    );
    console.log(
      `[scale] after the leak: rum_* series ${series} (hard ceiling ${hard.series}), data points refused by the stream limit ${limited}`,
    );
    expect(series).toBeLessThanOrEqual(hard.series);
    expect(limited).toBeGreaterThan(0);
  });
});
