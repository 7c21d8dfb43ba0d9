// The demo shop, its traffic generator and `npm run stack`, for real: the built shop served by
// demo/server.cjs (traced with the Node SDK), Chromium walking a full journey, the test OTLP
// receiver collecting both the browser's and the API's spans.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { hidePage, named, vital } from '../e2e/harness/fixture';
import { startReceiver, type ReceivedSpan, type Receiver } from '../e2e/harness/receiver';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

let receiver: Receiver;
let demo: DemoServer;
let browser: LaunchedBrowser;
let webRoot: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'otel-rum.iife.js'))) {
    throw new Error('dist/otel-rum.iife.js is missing: run `npm run build` first');
  }
  webRoot = mkdtempSync(join(tmpdir(), 'otel-rum-shop-'));
  await run(process.execPath, [join(root, 'demo', 'web', 'build.mjs'), '--outdir', webRoot]);
  receiver = await startReceiver();
  // the home page's recommendations always fail here: the unhandled rejection is asserted
  process.env.DEMO_RECOMMENDATIONS_FAILURE_RATE = '1';
  demo = await startDemo({ collector: receiver.url, webRoot });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await receiver?.close();
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});

const ofSession = (spans: ReceivedSpan[], sessionId: string) =>
  spans.filter((s) => s.attributes['session.id'] === sessionId);
const events = (spans: ReceivedSpan[], name: string, sessionId: string) =>
  named(spans, 'custom_event', sessionId)
    .filter((s) => s.attributes['rum.event.name'] === name)
    .sort((a, b) => a.startMs - b.startMs);

describe('demo shop', () => {
  it('a full journey: routes, hero LCP, banner CLS, slow coupon INP, funnel, conversion, API join', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // Land on a product page (as from an ad): its hero image is the LCP element.
    await page.goto(`${demo.web}/product/3`);
    await page.waitForFunction(() => {
      const hero = document.getElementById('hero') as HTMLImageElement | null;
      return !!hero?.complete && hero.naturalWidth > 0;
    });
    await page.waitForSelector('#promo-banner'); // the late banner: the layout shift
    await page.waitForTimeout(300); // the shift is reported by its observer; then the first input
    const sessionId: string = await page.evaluate(() => (window as any).rum.getSessionId());
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);

    await page.click('#add-to-cart');
    await page.waitForSelector('.added');
    await page.click('a[data-rum-name="nav-products"]');
    await page.click('#product-grid a[href="/product/6"]');
    await page.waitForSelector('text=Reviews are unavailable right now.'); // the boundary caught it
    await page.click('a[data-rum-name="nav-home"]');
    await page.waitForSelector('.intro');
    await page.click('a[data-rum-name="nav-cart"]');
    await page.click('#apply-coupon'); // blocks the main thread ~320 ms
    await page.waitForSelector('text=Coupon applied');
    await page.click('a[data-rum-name="checkout"]');
    const total = Number((await page.textContent('#checkout-total'))!.replace(/[^0-9.]/g, ''));
    expect(total).toBeCloseTo(93 * 0.9, 2); // product 3 costs 93, less the 10% coupon
    await page.click('#place-order');
    const orderId = await page.textContent('#order-id');
    expect(orderId).toMatch(/^[a-z0-9]+$/);
    await page.waitForTimeout(500); // web-vitals processes interactions in an idle callback
    await hidePage(page); // final CLS and INP are reported when the page is hidden

    const spans = await receiver.waitFor((all) => {
      const mine = ofSession(all, sessionId);
      const checkout = mine.find(
        (s) => s.kind === 3 && String(s.attributes['url.full']).endsWith('/api/checkout'),
      );
      return (
        vital(mine, 'inp').some((s) => Number(s.attributes['browser.web_vital.value']) >= 300) &&
        vital(mine, 'cls').length > 0 &&
        vital(mine, 'lcp').length > 0 &&
        events(mine, 'checkout_completed', sessionId).length > 0 &&
        named(mine, 'error').length >= 2 &&
        !!checkout &&
        all.some((s) => s.parentSpanId === checkout.spanId && s.kind === 2)
      );
    }, 30_000);
    const mine = ofSession(spans, sessionId);

    // route templates, never raw paths
    // Every span the SDK starts carries the view's route. (Not yet the fetch/XHR spans, which
    // the OpenTelemetry instrumentations start: reported, not asserted here.)
    const own = mine.filter((s) => s.kind !== 3 && s.name !== 'session_start');
    expect(own.filter((s) => !s.attributes['rum.page.route']).map((s) => s.name)).toEqual([]);
    const routes = new Set(own.map((s) => s.attributes['rum.page.route']));
    expect([...routes].sort()).toEqual(
      ['/', '/cart', '/checkout', '/order/:id', '/product/:id', '/products'].sort(),
    );
    // in the order the user went (batches travel in parallel requests and may arrive in any order)
    const routeChanges = named(mine, 'route_change').sort((a, b) => a.startMs - b.startMs);
    expect(routeChanges.map((s) => s.attributes['rum.page.route'])).toEqual([
      '/products',
      '/product/:id',
      '/',
      '/cart',
      '/checkout',
      '/order/:id',
    ]);

    // the document's own vitals (the SPA's routes have soft-navigation ones too, in Chromium)
    const hard = (name: string) =>
      vital(mine, name).filter(
        (s) => s.attributes['browser.web_vital.navigation_type'] !== 'soft-navigation',
      );
    const [lcp] = hard('lcp');
    console.log(
      `[shop] LCP ${lcp.attributes['browser.web_vital.value']} ms target=${lcp.attributes['rum.web_vital.attribution.target']}`,
    );
    expect(lcp.attributes['rum.page.route']).toBe('/product/:id');
    expect(String(lcp.attributes['rum.web_vital.attribution.target'])).toMatch(/#hero|img\.hero/);
    expect(String(lcp.attributes['rum.web_vital.attribution.url'])).toMatch(/\/img\/hero-3\.png$/);

    const [cls] = hard('cls');
    console.log(
      `[shop] CLS ${cls.attributes['browser.web_vital.value']} largest shift target=${cls.attributes['rum.web_vital.attribution.largest_shift_target']}`,
    );
    expect(Number(cls.attributes['browser.web_vital.value'])).toBeGreaterThan(0);

    // the slow coupon click is the INP of the cart route's soft navigation
    const [inp] = vital(mine, 'inp').sort(
      (a, b) =>
        Number(b.attributes['browser.web_vital.value']) -
        Number(a.attributes['browser.web_vital.value']),
    );
    expect(inp.attributes['rum.page.route']).toBe('/cart');
    expect(inp.attributes['browser.web_vital.navigation_type']).toBe('soft-navigation');
    console.log(
      `[shop] INP ${inp.attributes['browser.web_vital.value']} ms target=${inp.attributes['rum.web_vital.attribution.interaction_target']}`,
    );
    expect(Number(inp.attributes['browser.web_vital.value'])).toBeGreaterThanOrEqual(300);
    expect(String(inp.attributes['rum.web_vital.attribution.interaction_target'])).toMatch(
      /apply-coupon/,
    );

    // the funnel, in order
    expect(
      events(mine, 'journey_step', sessionId).map((s) => s.attributes['rum.journey.step']),
    ).toEqual(['view_item', 'view_item', 'view_cart', 'begin_checkout', 'purchase']);
    const [conversion] = events(mine, 'checkout_completed', sessionId);
    expect(conversion.attributes['value']).toBeCloseTo(total, 2);
    expect(conversion.attributes['rum.page.route']).toBe('/checkout');
    expect(events(mine, 'add_to_cart', sessionId)).toHaveLength(1);

    // the occasional errors: a render error caught by RumErrorBoundary, an unhandled rejection
    const errors = named(mine, 'error');
    const render = errors.find((e) => e.attributes['rum.error.source'] === 'react');
    expect(render?.attributes['exception.type']).toBe('TypeError');
    expect(render?.attributes['rum.page.route']).toBe('/product/:id');
    expect(String(render?.attributes['react.component_stack'])).toMatch(/Reviews/);
    const rejection = errors.find((e) =>
      String(e.attributes['exception.message']).includes('recommendations service failed'),
    );
    expect(rejection?.attributes['rum.page.route']).toBe('/');

    // the checkout call and the API's server span: one trace
    const fetchSpan = mine.find(
      (s) => s.kind === 3 && String(s.attributes['url.full']).endsWith('/api/checkout'),
    )!;
    const server = spans.find((s) => s.parentSpanId === fetchSpan.spanId && s.kind === 2)!;
    expect(server.traceId).toBe(fetchSpan.traceId);
    expect(server.resource['service.name']).toBe('shop-api');
    expect(fetchSpan.attributes['http.response.status_code']).toBe(200);
    expect(fetchSpan.resource['service.name']).toBe('shop-web');
    await context.close();
  });

  it('the traffic generator walks real journeys on mobile and desktop from several countries', async () => {
    receiver.clear();
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      [
        join(root, 'loadgen', 'run.mjs'),
        ...['--visitors', '3', '--duration', '60', '--concurrency', '3', '--seed', '11'],
        ...['--url', demo.web],
      ],
      { timeout: 120_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[loadgen] ${stdout.trim().split('\n').slice(-2, -1)[0]} (${seconds.toFixed(1)} s)`,
    );
    const summary = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(summary.visitors).toBe(3);
    expect(summary.completed).toBe(3);
    expect(summary.pageViews).toBeGreaterThanOrEqual(3);
    expect(summary.devices).toEqual(expect.objectContaining({ mobile: 2, desktop: 1 }));
    expect(Object.keys(summary.countries).length).toBe(3);
    expect(seconds).toBeLessThan(60 + 45);

    // what arrived: spans from both device classes, and exports carrying several countries
    const spans = await receiver.waitFor(
      (all) =>
        all.some((s) => s.attributes['rum.device.class'] === 'mobile') &&
        all.some((s) => s.attributes['rum.device.class'] === 'desktop'),
      20_000,
    );
    const pageLoads = named(spans, 'page_load').length;
    const sessions = new Set(
      spans
        .filter((s) => s.resource['service.name'] === 'shop-web')
        .map((s) => s.attributes['session.id']),
    );
    expect(sessions.size).toBe(3);
    expect(pageLoads).toBeGreaterThanOrEqual(3);
    const countries = new Set(
      receiver.requests
        .filter((r) => r.spanCount > 0 && r.headers['cf-ipcountry'])
        .map((r) => r.headers['cf-ipcountry']),
    );
    console.log(
      `[loadgen] received ${spans.length} spans, ${sessions.size} sessions, countries ${[...countries].join(', ')}`,
    );
    expect(countries.size).toBeGreaterThanOrEqual(2);
  });
});

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

describe('npm run stack', () => {
  // The collector, Prometheus and Jaeger are built from Go modules on first use (minutes), then
  // cached; each script prints the binary (build.sh) or its directory (build-go-program.sh).
  const binaries: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, script, args, file] of [
      ['OTELCOL_RUM_BIN', 'build.sh', [], ''],
      ['PROMETHEUS_BIN', 'build-go-program.sh', ['prometheus'], 'prometheus'],
      ['JAEGER_BIN', 'build-go-program.sh', ['jaeger'], 'jaeger'],
    ] as const) {
      const { stdout } = await run(join(root, 'scripts', 'collector', script), args, {
        maxBuffer: 64 << 20,
      });
      const out = stdout.trim().split('\n').pop()!;
      binaries[name] = file ? join(out, file) : out;
    }
  }, 1_800_000);

  it('starts the collector, Prometheus, Jaeger and the shop, and stops cleanly on SIGINT', async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    // every port free, so the test runs beside anything else on this machine
    for (const name of [
      'DEMO_WEB_PORT',
      'DEMO_API_PORT',
      'RUM_OTLP_HTTP_PORT',
      'RUM_PROMETHEUS_EXPORTER_PORT',
      'RUM_HEALTH_PORT',
      'RUM_COLLECTOR_TELEMETRY_PORT',
      'PROMETHEUS_PORT',
      'JAEGER_OTLP_GRPC_PORT',
      'JAEGER_QUERY_HTTP_PORT',
      'JAEGER_QUERY_GRPC_PORT',
      'JAEGER_HEALTH_PORT',
    ])
      env[name] = '0';
    delete env.RUM_CORS_ALLOWED_ORIGINS;
    Object.assign(env, binaries);
    env.DEMO_WEB_ROOT = webRoot; // built above; --no-build leaves dist/ alone for other tests
    const child = spawn(process.execPath, [join(root, 'scripts', 'stack.mjs'), '--no-build'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      const started = Date.now();
      while (!/^otel-rum stack ready/m.test(out)) {
        if (child.exitCode !== null) throw new Error(`stack exited early:\n${out}`);
        if (Date.now() - started > 90_000) throw new Error(`stack not ready in 90 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      console.log(`[stack] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const url = (label: string) =>
        out.match(new RegExp(`^\\s*${label}\\s+(http://\\S+)`, 'm'))![1];
      const shop = url('shop');
      const health = url('health');
      const urls = [shop, url('api'), url('collector'), health, url('prometheus'), url('jaeger')];
      const html = await (await fetch(shop)).text();
      expect(html).toContain('/otel-rum.iife.js');
      expect(html).not.toContain('__ENDPOINT__');
      expect((await fetch(health)).ok).toBe(true);
      expect((await fetch(`${url('prometheus')}/-/ready`)).ok).toBe(true);
      expect((await fetch(`${url('jaeger')}/api/v3/services`)).ok).toBe(true);

      const stopAt = Date.now();
      child.kill('SIGINT');
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r('timeout'), 20_000)),
      ]);
      console.log(`[stack] stopped in ${((Date.now() - stopAt) / 1000).toFixed(1)} s`);
      expect(code).toBe(0);
      const ports = urls.map((u) => Number(new URL(u).port));
      for (const port of ports)
        expect(await portIsFree(port), `port ${port} still bound`).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
