// Scaling out: real-browser traffic (headless Chromium on the e2e pages, the demo API traced by
// the Node SDK) goes through one collector, and every export request it accepted is replayed, the
// same bytes, through two collector replicas behind a round-robin load balancer (Debian's
// haproxy on 127.0.0.1). Each setup has its own Prometheus. The dashboards' own queries must give
// the same page views, errors, custom events and p75 per route on both; every series of a
// replica carries its collector_instance_id and every query sums over it; Prometheus rejects no
// sample as a duplicate or out of order.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  scrape,
  startCollector,
  startLoadBalancer,
  startPipeline,
  startPrometheus,
  ROOT,
  // @ts-expect-error plain ES module without types
} from '../../scripts/lib/services.mjs';
import { p75 } from '../../scripts/grafana/boards/web-vitals';
import { counter } from '../../scripts/grafana/common';
import { launchChromium } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { driveTraffic } from '../dashboards/traffic';
import { startCdn, type RecordedExport } from './cdn';
import { dashboardQuery } from './dashboard-query';
import { eventually, promQuery } from './query';

const started: { stop(): Promise<void> }[] = [];
let single: any;
const replicas: any[] = [];
let promOne: string;
let promTwo: string;
const recorded: RecordedExport[] = [];

async function acceptedSpans(collectors: any[]): Promise<number> {
  let total = 0;
  for (const c of collectors)
    total += (await scrape(`http://${c.telemetryTarget}/metrics`)).sum(
      /^otelcol_receiver_accepted_spans(_total)?\{/,
    );
  return total;
}

beforeAll(async () => {
  const webPort: number = await freePort();
  const web = `http://127.0.0.1:${webPort}`;
  const env = { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' };
  single = await startPipeline({
    ports: 'free',
    collectorOptions: { corsOrigins: [web], env: { ...env, RUM_COLLECTOR_INSTANCE_ID: 'single' } },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  started.push(single);
  promOne = single.prometheus.url;
  for (const id of ['replica-a', 'replica-b']) {
    const c = await startCollector({
      otlpPort: 0,
      prometheusPort: 0,
      healthPort: 0,
      telemetryPort: 0,
      corsOrigins: [web],
      tracesOtlpEndpoint: single.jaeger.otlpGrpcEndpoint,
      env: { ...env, RUM_COLLECTOR_INSTANCE_ID: id },
    });
    started.push(c);
    replicas.push(c);
  }
  const lb = await startLoadBalancer({ targets: replicas.map((c) => new URL(c.otlpUrl).host) });
  started.push(lb);
  const prometheus = await startPrometheus({
    port: 0,
    rumTargets: replicas.map((c) => c.prometheusTarget),
    otelcolTargets: replicas.map((c) => c.telemetryTarget),
    scrapeInterval: '1s',
  });
  started.push(prometheus);
  promTwo = prometheus.url;

  // real browsers and the demo API export through a recorder in front of the single collector
  const recorder = await startCdn(single.collector.otlpUrl, {}, recorded);
  started.push({ stop: recorder.close });
  const demo: DemoServer = await startDemo({
    collector: recorder.url,
    webRoot: join(ROOT, 'test/e2e/pages'),
    webPort,
  });
  started.push(demo);
  const browser = await launchChromium();
  try {
    await driveTraffic(browser.browser, demo.web, recorder.url, 2);
  } finally {
    await browser.close();
  }
  await demo.stop();
  await new Promise((r) => setTimeout(r, 1_000)); // the demo API's last span batch
  const spans = await acceptedSpans([single.collector]);
  console.log(`[scale-out] recorded ${recorded.length} export requests, ${spans} spans`);

  // the same requests, in the same order, through the load balancer
  for (const r of recorded) {
    const res = await fetch(`${lb.url}${r.path}`, {
      method: 'POST',
      headers: r.headers,
      body: new Uint8Array(r.body),
    });
    await res.arrayBuffer();
    expect(res.status, `replay of ${r.path}`).toBe(200);
  }
  await eventually(async () => expect(await acceptedSpans(replicas)).toBe(spans), 30_000);
  // Accepted is not yet aggregated: the metrics branch batches for up to 2 s, span_metrics
  // flushes every second, Prometheus scrapes every second. Wait until both sides have counted
  // every span the metric families count (the tests then compare every breakdown).
  const counted = async (prom: string) =>
    Promise.all(
      ['rum_span_calls_total', 'rum_page_views_by_route_total', 'rum_custom_events_total'].map(
        async (m) => (await promQuery(prom, `sum(${m})`))[0]?.value[1],
      ),
    );
  await eventually(async () => {
    const one = await counted(promOne);
    expect(one.every(Boolean)).toBe(true);
    expect(await counted(promTwo)).toEqual(one);
  }, 30_000);
  await new Promise((r) => setTimeout(r, 2_000)); // and one more scrape of everything
}, 600_000);

afterAll(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => {});
});

/** One query on both Prometheus: { one, two } as label set -> value, labels without the replica. */
async function both(query: string, by: string[]) {
  const read = async (prom: string) =>
    Object.fromEntries(
      (await promQuery(prom, query)).map((s) => [
        by.map((l) => s.metric[l] ?? '').join('|') || 'total',
        Number(s.value[1]),
      ]),
    );
  return { one: await read(promOne), two: await read(promTwo) };
}

describe('one collector and two replicas behind a load balancer agree', () => {
  for (const service of ['e2e-web', 'e2e-app']) {
    it(`${service}: page views, errors, sessions and custom events`, async () => {
      const queries: [string, string[]][] = [
        [`sum(${counter('page_views')})`, []],
        [`sum by (rum_page_route) (${counter('page_views')})`, ['rum_page_route']],
        [`sum by (rum_device_class) (${counter('page_views', 'device')})`, ['rum_device_class']],
        [
          `sum by (geo_country_iso_code) (${counter('errors', 'country')})`,
          ['geo_country_iso_code'],
        ],
        [`sum by (rum_page_route) (${counter('errors')})`, ['rum_page_route']],
        [`sum(${counter('sessions')})`, []],
        [
          `sum by (rum_event_name, rum_page_lcp_rating) (rum_custom_events_total{service_name=~"$service"})`,
          ['rum_event_name', 'rum_page_lcp_rating'],
        ],
      ];
      for (const [q, by] of queries) {
        const { one, two } = await both(dashboardQuery(q, service), by);
        expect(two, q).toEqual(one);
      }
    });

    it(`${service}: p75 of every vital per route, and the replicas each hold part of it`, async () => {
      let compared = 0;
      for (const vital of ['lcp', 'inp', 'cls', 'fcp', 'ttfb']) {
        const q = dashboardQuery(p75(vital, '$__range', ['rum_page_route']), service);
        const { one, two } = await both(q, ['rum_page_route']);
        expect(Object.keys(two).sort(), q).toEqual(Object.keys(one).sort());
        for (const [route, v] of Object.entries(one)) {
          // the same observations, split between two replicas: the same buckets, the same p75
          if (Number.isNaN(v)) expect(two[route]).toBeNaN();
          else expect(two[route], `${vital} p75 ${route}`).toBeCloseTo(v, 9);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  it('API latency per endpoint agrees, and every series says which replica made it', async () => {
    const q = `histogram_quantile(0.95, sum by (le, span_name, url_template) (rum_span_duration_milliseconds_bucket{service_name="e2e-app", span_kind="SPAN_KIND_CLIENT"}))`;
    const { one, two } = await both(q, ['span_name', 'url_template']);
    expect(Object.keys(one).length).toBeGreaterThan(0);
    expect(two).toEqual(one);

    const replicasSeen = await promQuery(
      promTwo,
      'count by (collector_instance_id) ({__name__=~"rum_.+"})',
    );
    expect(replicasSeen.map((s) => s.metric.collector_instance_id).sort()).toEqual([
      'replica-a',
      'replica-b',
    ]);
    const unlabelled = await promQuery(
      promTwo,
      'count({__name__=~"rum_.+", collector_instance_id=""})',
    );
    expect(unlabelled).toHaveLength(0);
  });

  it('Prometheus rejected no sample as a duplicate or out of order', async () => {
    for (const prom of [promOne, promTwo]) {
      const { text, sum } = await scrape(`${prom}/metrics`);
      const value = (name: string) => sum(new RegExp(`^${name}`));
      for (const name of [
        'prometheus_target_scrapes_sample_duplicate_timestamp_total',
        'prometheus_target_scrapes_sample_out_of_order_total',
        'prometheus_target_scrapes_sample_out_of_bounds_total',
        'prometheus_tsdb_out_of_order_samples_total',
      ])
        expect(value(name), `${name} on ${prom}`).toBe(0);
      expect(text).toContain('prometheus_target_scrapes_sample_duplicate_timestamp_total');
    }
  });
});
