// The whole path for real: the SDK in headless Chromium -> our collector build on our config ->
// Prometheus (queried over its HTTP API) and Jaeger, with the demo API traced by the Node SDK.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { freePort, startPipeline } from '../../scripts/lib/services.mjs';
import { launchChromium, type LaunchedBrowser } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { walkSoftRoutes } from '../e2e/harness/fixture';
import { startPageServer, type PageServer } from '../e2e/harness/server';
import { startCdn } from './cdn';
import { eventually, promExemplars, promQuery, promValue, traceById } from './query';

let stack: any;
let demo: DemoServer;
let pages: PageServer;
let cdn: { url: string; close(): Promise<void> };
let browser: LaunchedBrowser;
let prom: string;

beforeAll(async () => {
  const webPort: number = await freePort();
  const pagesPort: number = await freePort();
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: {
      corsOrigins: [`http://127.0.0.1:${webPort}`, `http://127.0.0.1:${pagesPort}`],
      env: { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' },
    },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  prom = stack.prometheus.url;
  // The browser talks to "the CDN", which adds the visitor's country and passes everything on:
  // preflights and exports meet the collector's own CORS rules.
  cdn = await startCdn(stack.collector.otlpUrl, { 'cf-ipcountry': 'DE' });
  demo = await startDemo({
    collector: stack.collector.otlpUrl,
    rumEndpoint: cdn.url,
    webRoot: join(import.meta.dirname, '..', 'e2e', 'pages'),
    webPort,
  });
  // the test pages with a delayed hero image (LCP) and a layout shift
  pages = await startPageServer(cdn.url, pagesPort);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await pages?.close();
  await cdn?.close();
  await stack?.stop();
});

describe('browser -> collector -> Prometheus and Jaeger', () => {
  it('counts soft navigations as page views of their route, with their own vitals by route', async () => {
    const context = await browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.url}/soft/home?service=e2e-soft`);
    await walkSoftRoutes(page);
    await page.goto(`${pages.url}/pages/bare.html`);
    await context.close();

    const soft = 'service_name="e2e-soft"';
    const byRoute = (query: string, routes: number) =>
      eventually(async () => {
        const r = await promQuery(prom, query);
        if (r.length !== routes) throw new Error(`${query}: ${r.length} series`);
        return Object.fromEntries(r.map((s) => [s.metric.rum_page_route, Number(s.value[1])]));
      }, 60_000);
    // the dashboards' p75 LCP by route, soft navigations only: both routes, each ~0.5-0.9 s
    const p75 = await byRoute(
      `histogram_quantile(0.75, sum by (le, rum_page_route) (rum_web_vital_by_route_milliseconds_bucket{${soft},browser_web_vital_name="lcp",rum_navigation="soft"}))`,
      2,
    );
    expect(Object.keys(p75).sort()).toEqual(['/soft/a', '/soft/b']);
    for (const value of Object.values(p75)) {
      expect(value).toBeGreaterThan(500);
      expect(value).toBeLessThanOrEqual(1000);
    }
    expect(
      await byRoute(
        `rum_web_vital_by_route_milliseconds_count{${soft},browser_web_vital_name="inp",rum_navigation="soft"}`,
        2,
      ),
    ).toEqual({ '/soft/a': 1, '/soft/b': 1 });
    // the document's own LCP is a hard navigation of the first route; other families count it only
    expect(
      await byRoute(
        `rum_web_vital_by_route_milliseconds_count{${soft},browser_web_vital_name="lcp",rum_navigation="hard"}`,
        1,
      ),
    ).toEqual({ '/soft/home': 1 });
    expect(
      await promValue(
        prom,
        `sum(rum_web_vital_by_device_milliseconds_count{${soft},browser_web_vital_name="lcp"})`,
      ),
    ).toBe(1);
    // each soft navigation (a route_change) is a page view of its route
    expect(await byRoute(`rum_page_views_by_route_total{${soft}}`, 3)).toEqual({
      '/soft/home': 1,
      '/soft/a': 1,
      '/soft/b': 1,
    });
  });

  it('turns a real page view into the metrics the dashboards query, with a way back to the trace', async () => {
    const context = await browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${pages.url}/pages/vitals.html`);
    await page.waitForFunction(
      () => (document.getElementById('hero') as HTMLImageElement).complete,
    );
    await page.waitForTimeout(400);
    await page.click('#slow');
    await page.waitForTimeout(1_200);
    await page.goto(`${demo.web}/app.html`); // leaving vitals.html finalises its vitals
    await page.click('#load');
    await page.waitForFunction(() => (window as any).results.load === 200);
    await page.click('#throw');
    await page.evaluate(() => (window as any).rum.trackEvent('checkout_completed', { value: 42 }));
    await page.goto(`${demo.web}/bare.html`);
    await context.close();

    const web = 'service_name="e2e-web"';
    // LCP by route and device class (the "worst segments" pair), by country and by browser
    const lcp = await eventually(async () => {
      const r = await promQuery(
        prom,
        `rum_web_vital_by_route_device_milliseconds_count{${web},browser_web_vital_name="lcp"}`,
      );
      if (r.length !== 1) throw new Error(`lcp series: ${r.length}`);
      return r[0]!;
    }, 60_000);
    expect(Number(lcp.value[1])).toBe(1);
    expect(lcp.metric).toMatchObject({
      rum_page_route: '/pages/:page',
      rum_device_class: 'desktop',
      deployment_environment_name: 'test',
    });
    const only = (query: string) =>
      eventually(async () => {
        const r = await promQuery(prom, query);
        if (r.length !== 1) throw new Error(`${query}: ${r.length} series`);
        return r[0]!.metric;
      });
    const lcpBy = (family: string) =>
      only(`rum_web_vital_by_${family}_milliseconds_count{${web},browser_web_vital_name="lcp"}`);
    expect((await lcpBy('country')).geo_country_iso_code).toBe('DE');
    expect(['chrome', 'chromium']).toContain((await lcpBy('browser')).rum_browser_family);
    // the LCP (~700 ms image) is under 2.5 s: in the "good" bucket
    expect(
      await promValue(
        prom,
        `sum(rum_web_vital_by_route_milliseconds_bucket{${web},browser_web_vital_name="lcp",le=~"2500(.0)?"})`,
      ),
    ).toBe(1);
    for (const vital of ['inp', 'fcp', 'ttfb']) {
      await eventually(async () =>
        expect(
          await promValue(
            prom,
            `rum_web_vital_by_route_milliseconds_count{${web},browser_web_vital_name="${vital}"}`,
          ),
        ).toBe(1),
      );
    }
    await eventually(async () =>
      expect(await promValue(prom, `rum_web_vital_cls_by_route_count{${web}}`)).toBe(1),
    );

    const app = 'service_name="e2e-app"';
    await eventually(async () =>
      expect(await promValue(prom, `sum(rum_page_views_by_route_total{${app}})`)).toBe(1),
    );
    // the thrown error and the page's 404 image
    await eventually(async () =>
      expect(await promValue(prom, `sum(rum_errors_by_route_total{${app}})`)).toBe(2),
    );
    const events = await eventually(async () => {
      const r = await promQuery(
        prom,
        `rum_custom_events_total{${app},rum_event_name="checkout_completed"}`,
      );
      if (r.length !== 1) throw new Error('no custom event series yet');
      return r[0]!;
    });
    expect(Number(events.value[1])).toBe(1);
    // custom events are counted by name and the page's LCP rating only
    expect(['good', 'needs-improvement', 'poor', 'unknown']).toContain(
      events.metric.rum_page_lcp_rating,
    );
    expect(events.metric.geo_country_iso_code).toBeUndefined();
    expect(
      await promValue(prom, `sum(rum_sessions_by_route_total{service_name=~"e2e-web|e2e-app"})`),
    ).toBeGreaterThanOrEqual(1);

    // API latency from span metrics, with exemplars; one of them leads to the whole trace in
    // Jaeger: click -> fetch -> the API's server span
    const { traceId, names } = await eventually(async () => {
      const series = await promExemplars(prom, `rum_span_duration_milliseconds_bucket{${app}}`);
      const ids = [...new Set(series.flatMap((x) => x.exemplars.map((e) => e.labels.trace_id!)))];
      for (const id of ids) {
        const spans = await traceById(stack.jaeger.url, id).catch(() => []);
        const got = spans.map((x) => `${x.resource['service.name']}:${x.name}`);
        if (got.includes('e2e-app:GET') && got.some((n) => n.startsWith('shop-api:')))
          return { traceId: id, names: got };
      }
      const calls = await promQuery(prom, `rum_span_calls_total{${app}}`);
      throw new Error(
        `no exemplar trace with the API call complete in Jaeger yet (${ids.length} exemplar traces; ` +
          `series ${JSON.stringify(calls.map((c) => [c.metric.span_name, c.metric.span_kind, c.value[1]]))}; ` +
          `exemplar series ${JSON.stringify(series.map((x) => [x.seriesLabels.span_name, x.seriesLabels.le, x.exemplars.length]))})`,
      );
    }, 90_000);
    console.log(`[pipeline] exemplar trace ${traceId}: ${names.join(', ')}`);
    expect(names).toContain('e2e-app:click');
  }, 240_000);
});
