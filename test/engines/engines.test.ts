import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { expectSpaRouteChanges, named, vital } from '../e2e/harness/fixture';
import { startReceiver, type ReceivedSpan, type Receiver } from '../e2e/harness/receiver';
import { relayRows } from '../e2e/harness/relay-store';
import { startPageServer, type PageServer } from '../e2e/harness/server';
import { ENGINE_NAMES, launch, type Driver, type EngineName } from './drivers';

/**
 * The end-to-end checks that do not need Chromium's DevTools protocol, in every other engine:
 * Firefox (WebDriver BiDi) and WebKit (WebDriver classic). Each engine must send what it can
 * measure and nothing for what it cannot; what it cannot is feature-detected in the page and
 * reported as skipped. An engine that is selected but cannot start fails the run.
 * `ENGINES=firefox` (comma-separated) runs a subset.
 */
const ENGINES = (process.env.ENGINES ?? ENGINE_NAMES.join(','))
  .split(',')
  .map((e) => e.trim())
  .filter(Boolean) as EngineName[];
for (const e of ENGINES) {
  if (!ENGINE_NAMES.includes(e)) throw new Error(`ENGINES: unknown engine "${e}"`);
}

const SDK = join(import.meta.dirname, '..', '..', 'dist', 'otel-rum.iife.js');
const TTFB_DELAY = 300;
const HERO_DELAY = 700;
const BLOCK = 250;

let receiver: Receiver;
let pages: PageServer;
let demo: DemoServer;

beforeAll(async () => {
  if (!existsSync(SDK)) throw new Error(`${SDK} is missing: run \`npm run build\` first`);
  receiver = await startReceiver();
  pages = await startPageServer(receiver.url);
  demo = await startDemo({
    collector: receiver.url,
    webRoot: join(import.meta.dirname, '../e2e/pages'),
  });
});
afterAll(async () => {
  await demo?.stop();
  await pages?.close();
  await receiver?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` in the page until it returns something truthy. */
async function waitInPage<T>(driver: Driver, fn: () => T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await driver.evaluate(fn);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`page condition not met: ${fn.toString()}`);
    await sleep(50);
  }
}

const ofService = (spans: ReceivedSpan[], service: string) =>
  spans.filter((s) => s.resource['service.name'] === service);

/** Records the engine's own error listener in pages that have none, and the SDK's debug output. */
function watchPage(): void {
  const w = window as any;
  if (!w.__pageErrors) {
    w.__pageErrors = [];
    window.addEventListener('error', (e) => w.__pageErrors.push(String(e.message)));
    window.addEventListener('unhandledrejection', (e) => w.__pageErrors.push(String(e.reason)));
  }
  w.__sdkWarnings = [];
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.includes('[otel-rum]')) w.__sdkWarnings.push(line);
    warn(...args);
  };
}

const pageProblems = () => ({
  pageErrors: (window as any).__pageErrors as string[],
  sdkWarnings: ((window as any).__sdkWarnings ?? []).concat(
    ((window as any).__warnings ?? []).filter((w: string) => w.includes('[otel-rum]')),
  ) as string[],
});

/** Web Vitals, with what the page must support for the SDK to report each. */
const VITALS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb', 'fid'] as const;
type VitalName = (typeof VITALS)[number];

function detectSupport(): Record<string, string | null> {
  const types: readonly string[] =
    typeof PerformanceObserver === 'undefined' ? [] : PerformanceObserver.supportedEntryTypes;
  const needs = (type: string) => (types.includes(type) ? null : `${type} not supported`);
  const eventTiming = (globalThis as any).PerformanceEventTiming;
  return {
    lcp: needs('largest-contentful-paint'),
    cls: needs('layout-shift'),
    fcp: needs('paint'),
    ttfb: needs('navigation'),
    fid: needs('first-input'),
    // web-vitals' own test for INP: event timing with interaction ids
    inp:
      needs('event') ??
      (eventTiming && 'interactionId' in eventTiming.prototype
        ? null
        : 'PerformanceEventTiming.interactionId not supported'),
  };
}

describe.each(ENGINES)('%s', (engine) => {
  let driver: Driver;
  const passed: string[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  const pass = (what: string) => passed.push(what);
  const skip = (what: string, reason: string) => {
    skipped.push(what);
    console.log(`[engines] ${engine}: skip ${what}: ${reason}`);
  };

  /** What the protocol itself saw (Firefox): no uncaught error, no SDK debug warning. */
  const expectNoProtocolErrors = () => {
    expect(driver.pageErrors).toEqual([]);
    expect(driver.consoleWarnings.filter((w) => w.includes('[otel-rum]'))).toEqual([]);
  };

  beforeAll(async () => {
    driver = await launch(engine);
    console.log(`[engines] ${engine}: ${driver.version}`);
  });
  afterAll(async () => {
    await driver?.close();
    console.log(
      `[engines] ${engine} ${driver?.version ?? '(did not start)'}: ${passed.length} checks passed, ` +
        `${skipped.length} skipped${skipped.length ? ` (${skipped.join(', ')})` : ''}` +
        `${failed.length ? `, ${failed.length} failed (${failed.join(', ')})` : ''}`,
    );
  });
  beforeEach(async (ctx) => {
    ctx.onTestFailed(() => void failed.push(ctx.task.name));
    receiver.clear();
    if (!driver) return;
    driver.pageErrors.length = 0;
    driver.consoleWarnings.length = 0;
  });

  it('loads the SDK with no page error or SDK exception, and sends page_load and custom events', async () => {
    await driver.open(
      `${pages.url}/pages/init.html?${new URLSearchParams({ opts: '{"debug":true}' })}`,
    );
    const seen = await driver.evaluate(() => ({
      sessionId: (window as any).rum.getSessionId() as string,
      userAgent: navigator.userAgent,
      language: navigator.language,
      clientHints: 'userAgentData' in navigator,
    }));
    expect(seen.sessionId).toMatch(/^[0-9a-f]{32}$/);
    await driver.evaluate(() => (window as any).rum.trackEvent('engine_check', { step: 1 }));
    await driver.click('#btn');
    const spans = await receiver.waitFor((all) => {
      const s = ofService(all, 'e2e-init');
      return (
        named(s, 'page_load', seen.sessionId).length === 1 &&
        named(s, 'custom_event', seen.sessionId).length === 1 &&
        named(s, 'session_start', seen.sessionId).length === 1
      );
    });
    const [load] = named(spans, 'page_load', seen.sessionId);
    const [event] = named(spans, 'custom_event', seen.sessionId);
    expect(event.attributes['rum.event.name']).toBe('engine_check');
    expect(event.attributes['step']).toBe(1);
    expect(event.traceId).toBe(load.traceId);
    pass('custom event');

    expect(load.resource['telemetry.sdk.language']).toBe('webjs');
    expect(load.resource['user_agent.original']).toBe(seen.userAgent);
    expect(load.resource['browser.language']).toBe(seen.language);
    // UA client hints are Chromium-only: without them the SDK sends no brands
    if (!seen.clientHints) expect(load.resource).not.toHaveProperty('browser.brands');
    expect(load.attributes['rum.browser.family']).toBe(engine === 'firefox' ? 'firefox' : 'safari');
    expect(load.attributes['rum.device.class']).toBe('desktop');
    expect(load.attributes).not.toHaveProperty('rum.network.effective_type'); // no Network Information API
    pass('resource and browser attributes');

    await sleep(300);
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    expectNoProtocolErrors();
    pass('no page error or SDK exception');
  });

  it('hands its batches to the relay service worker, which delivers them once', async () => {
    await driver.open(`${pages.url}/pages/delivery.html?sw&view=engines`);
    if (!(await driver.evaluate(() => 'serviceWorker' in navigator))) {
      return skip('relay worker', 'no navigator.serviceWorker');
    }
    await waitInPage(driver, () => !!navigator.serviceWorker.controller);
    // the first page sent by itself until the worker took over; this one is controlled from the start
    await driver.open(`${pages.url}/pages/delivery.html?sw&view=engines-2`);
    const sessionId = await waitInPage(driver, () => (window as any).rum.getSessionId() as string);
    await driver.evaluate(() => (window as any).rum.trackEvent('relayed', { step: 2 }));
    await driver.evaluate(() => (window as any).rum.flush());
    const spans = await receiver.waitFor(
      (all) => named(all, 'custom_event', sessionId).some((s) => s.attributes.step === 2),
      15_000,
    );
    expect(
      named(spans, 'custom_event', sessionId).filter((s) => s.attributes.step === 2),
    ).toHaveLength(1);
    // it went through the worker: its ledger holds the batch, accepted by the collector
    await expect
      .poll(async () =>
        (await driver.evaluate(relayRows)).filter((r) => r.state === 'done' && r.outcome === 200),
      )
      .not.toEqual([]);
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    expectNoProtocolErrors();
    pass('relay worker');
  });

  it('degrades quietly without PerformanceObserver, storage and idle callbacks', async () => {
    const remove = 'PerformanceObserver,localStorage,sessionStorage,connection,requestIdleCallback';
    await driver.open(
      `${pages.url}/pages/init.html?${new URLSearchParams({ remove, opts: '{"debug":true}' })}`,
    );
    await driver.click('#btn');
    await driver.evaluate(() => (window as any).rum.trackEvent('still_works'));
    const sessionId = await driver.evaluate(() => (window as any).rum.getSessionId() as string);
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    await receiver.waitFor(
      (s) =>
        named(ofService(s, 'e2e-init'), 'custom_event', sessionId).length === 1 &&
        named(ofService(s, 'e2e-init'), 'page_load', sessionId).length === 1,
    );
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    expectNoProtocolErrors();
    pass('degrades without browser APIs');
  });

  it('sends page_load with navigation timings and exactly the Web Vitals the engine supports', async () => {
    await driver.open(`${pages.url}/pages/vitals.html?ttfbDelay=${TTFB_DELAY}&block=${BLOCK}`);
    await driver.evaluate(watchPage);
    const support = (await driver.evaluate(detectSupport)) as Record<VitalName, string | null>;
    await waitInPage(driver, () => (document.getElementById('hero') as HTMLImageElement).complete);
    await sleep(200);
    await driver.click('#slow'); // input: finalises LCP, gives FID and an INP interaction
    // web-vitals processes interactions in an idle callback (capped at 1 s)
    await sleep(1_200);
    const measured = await driver.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        ...((window as any).__measured as { lcp: number; cls: number }),
        fcp: fcp ? fcp.startTime : null,
        nav: nav.toJSON() as Record<string, number | string>,
        sessionId: (window as any).rum.getSessionId() as string,
      };
    });
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    // leave for real: trusted visibilitychange (hidden) and pagehide; the SDK sends with keepalive
    await driver.open(`${pages.url}/pages/bare.html`);

    const { sessionId, nav } = measured;
    const expected = VITALS.filter((v) => support[v] === null);
    const spans = await receiver.waitFor(
      (s) =>
        named(s, 'page_load', sessionId).length > 0 &&
        expected.every((v) => vital(s, v, sessionId).length > 0),
    );
    await sleep(500); // anything late would be a vital the engine should not have reported

    const [load] = named(spans, 'page_load', sessionId);
    const round = (v: unknown) => Math.max(0, Math.round(Number(v) * 10) / 10);
    expect(load.attributes['rum.timing.ttfb']).toBe(round(nav.responseStart));
    expect(load.attributes['rum.timing.ttfb']).toBeGreaterThanOrEqual(TTFB_DELAY);
    expect(load.attributes['rum.timing.dom_content_loaded']).toBe(
      round(nav.domContentLoadedEventEnd),
    );
    expect(load.attributes['rum.timing.load']).toBe(round(nav.loadEventEnd));
    expect(load.attributes['rum.timing.load']).toBeGreaterThanOrEqual(HERO_DELAY);
    expect(load.attributes['rum.timing.transfer_size']).toBe(nav.transferSize ?? 0);
    expect(load.attributes['rum.navigation.type']).toBe('navigate');
    expect(load.attributes['rum.page.route']).toBe('/pages/:page');
    expect(load.attributes['rum.page.url']).toBe(
      `${pages.url}/pages/vitals.html?ttfbDelay=*&block=*`,
    );
    expect(load.resource['service.name']).toBe('e2e-web');
    pass('page_load with navigation timings');

    const received = new Set(
      spans
        .filter((s) => s.name === 'web_vital' && s.attributes['session.id'] === sessionId)
        .map((s) => s.attributes['browser.web_vital.name']),
    );
    expect([...received].sort()).toEqual([...expected].sort());
    for (const name of VITALS) {
      const reason = support[name];
      if (reason !== null) {
        expect(vital(spans, name, sessionId)).toHaveLength(0);
        skip(name, reason);
        continue;
      }
      const [v] = vital(spans, name, sessionId);
      const value = v.attributes['browser.web_vital.value'] as number;
      expect(v.traceId).toBe(load.traceId);
      expect(v.parentSpanId).toBe(load.spanId);
      expect(v.attributes['rum.web_vital.repeat']).toBe(false);
      if (name === 'fid') {
        expect(v.attributes['rum.web_vital.deprecated']).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      } else {
        expect(v.attributes['browser.web_vital.id']).toMatch(/^v\d-/);
        expect(v.attributes['browser.web_vital.navigation_type']).toBe('navigate');
      }
      if (name === 'ttfb') expect(value).toBeCloseTo(Number(nav.responseStart), 0);
      if (name === 'fcp') {
        expect(value).toBeCloseTo(measured.fcp!, 0);
        expect(value).toBeGreaterThanOrEqual(TTFB_DELAY);
      }
      if (name === 'lcp') {
        expect(value).toBeCloseTo(measured.lcp, 0);
        expect(value).toBeGreaterThanOrEqual(HERO_DELAY);
        expect(v.attributes['rum.web_vital.attribution.target']).toBe('#hero');
      }
      if (name === 'cls') expect(value).toBeCloseTo(measured.cls, 4);
      if (name === 'inp') {
        // event timing durations are rounded to 8 ms
        expect(value).toBeGreaterThanOrEqual(BLOCK - 8);
        expect(v.attributes['rum.web_vital.attribution.interaction_target']).toBe('#slow');
      }
      pass(name);
    }
    expectNoProtocolErrors();
  });

  it('sends a route_change per SPA navigation and custom events in the new view', async () => {
    await driver.open(`${pages.url}/spa/home`);
    await driver.evaluate(watchPage);
    const sessionId = await driver.evaluate(() => (window as any).rum.getSessionId() as string);
    for (const button of ['#to-product', '#to-cart', '#to-order']) {
      await driver.click(button);
      await sleep(50);
    }
    await driver.evaluate(() => history.back()); // popstate back to the cart
    const spans = await receiver.waitFor(
      (s) => named(ofService(s, 'e2e-spa'), 'route_change', sessionId).length >= 4,
    );
    const changes = named(ofService(spans, 'e2e-spa'), 'route_change', sessionId).sort(
      (a, b) => a.startMs - b.startMs,
    );
    expectSpaRouteChanges(changes, pages.url);
    expect(new Set(changes.map((s) => s.traceId)).size).toBe(4);
    expect(new Set(changes.map((s) => s.attributes['rum.page.view_id'])).size).toBe(4);
    pass('route_change');

    await driver.evaluate(() => (window as any).rum.trackEvent('added_to_cart', { sku: 'A1' }));
    const withEvent = await receiver.waitFor(
      (s) => named(ofService(s, 'e2e-spa'), 'custom_event', sessionId).length === 1,
    );
    const [event] = named(ofService(withEvent, 'e2e-spa'), 'custom_event', sessionId);
    expect(event.attributes['rum.page.route']).toBe('/spa/cart');
    expect(event.traceId).toBe(changes[3].traceId);
    pass('custom event in the route view');
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    expectNoProtocolErrors();
  });

  it('traces a fetch to the allowed API origin with traceparent, and none to another origin', async () => {
    await driver.open(`${demo.web}/app.html`);
    await driver.evaluate(watchPage);
    const sessionId = await driver.evaluate(() => (window as any).rum.getSessionId() as string);
    await driver.click('#load');
    await waitInPage(driver, () => (window as any).results.load === 200);
    const isProducts = (s: ReceivedSpan) =>
      s.kind === 3 &&
      s.attributes['session.id'] === sessionId &&
      String(s.attributes['url.full']).endsWith('/api/products');
    const spans = await receiver.waitFor((s) => {
      const f = s.find(isProducts);
      return !!f && s.some((x) => x.parentSpanId === f.spanId && x.kind === 2);
    });
    const fetchSpan = spans.find(isProducts)!;
    const server = spans.find((x) => x.parentSpanId === fetchSpan.spanId && x.kind === 2)!;
    expect(server.resource['service.name']).toBe('shop-api');
    expect(server.traceId).toBe(fetchSpan.traceId);
    expect(server.attributes['demo.traceparent_received']).toBe(
      `00-${fetchSpan.traceId}-${fetchSpan.spanId}-01`,
    );
    expect(fetchSpan.attributes['http.request.method']).toBe('GET');
    expect(fetchSpan.attributes['http.response.status_code']).toBe(200);
    expect(fetchSpan.attributes['url.full']).toBe(`${demo.api}/api/products`);
    const click = spans.find((s) => s.spanId === fetchSpan.parentSpanId);
    expect(click?.name).toBe('click');
    expect(click?.attributes['rum.interaction.target']).toBe('button#load');
    pass('fetch with traceparent');

    await driver.click('#other');
    await waitInPage(driver, () => (window as any).results.other);
    const other = await driver.evaluate(() => (window as any).results.other);
    expect(other.status).toBe(200);
    expect(other.body.traceparent).toBeNull();
    pass('no traceparent to another origin');
    expect(await driver.evaluate(pageProblems)).toEqual({ pageErrors: [], sdkWarnings: [] });
    expectNoProtocolErrors();
  });

  it('a page closed before its lazy part loaded: the next page sends it, with the vitals the engine buffered', async () => {
    await driver.open(`${pages.url}/pages/early.html?lazyDelay=30000&shift=1`);
    await waitInPage(
      driver,
      () => (window as any).marks.shiftedAt && (window as any).marks.fetchEnd,
    );
    // an interaction whose handler takes 250 ms: the INP of the closed page
    await driver.click('#slow');
    await waitInPage(driver, () => document.getElementById('slow')!.textContent === 'done');
    await sleep(200);
    const support = (await driver.evaluate(detectSupport)) as Record<VitalName, string | null>;
    const measured = await driver.evaluate(() => {
      const take = (type: string): any[] => {
        if (!PerformanceObserver.supportedEntryTypes.includes(type)) return [];
        const observer = new PerformanceObserver(() => {});
        observer.observe({ type, buffered: true });
        const entries = observer.takeRecords();
        observer.disconnect();
        return entries;
      };
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        ttfb: nav.responseStart,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        lcp: (take('largest-contentful-paint').pop()?.startTime as number | undefined) ?? null,
        // one window: the page shifts once
        cls: take('layout-shift')
          .filter((e) => !e.hadRecentInput)
          .reduce((sum, e) => sum + e.value, 0),
        inp: Math.max(
          ...take('event')
            .filter((e) => e.interactionId)
            .map((e) => e.duration as number),
        ),
        lazyLoaded: performance
          .getEntriesByType('resource')
          .some((e) => e.name.includes('/otel-rum.lazy.js') && e.responseEnd > 0),
        sessionId: (window as any).rum.getSessionId() as string,
      };
    });
    expect(measured.lazyLoaded).toBe(false);
    // left for another page of the site, which loads the rest at once and adopts the stored page
    await driver.open(`${pages.url}/pages/early.html?lazyDelay=0&second=1`);
    const { sessionId } = measured;
    const TAKEN = ['ttfb', 'fcp', 'lcp', 'cls', 'inp'] as const;
    const expected = TAKEN.filter((name) => support[name] === null);
    const closed = (s: ReceivedSpan[]) =>
      s.filter(
        (x) =>
          x.attributes['session.id'] === sessionId &&
          !String(x.attributes['rum.page.url']).includes('second'),
      );
    const spans = await receiver.waitFor(
      (s) =>
        named(closed(s), 'page_load').length === 1 &&
        named(closed(s), 'error').length === 1 &&
        expected.every((name) => vital(closed(s), name).length > 0),
    );
    await sleep(500);
    const [load] = named(closed(spans), 'page_load');
    const [error] = named(closed(spans), 'error');
    expect(error!.attributes['exception.message']).toBe('thrown before the rest loaded');
    expect(error!.traceId).toBe(load!.traceId);
    pass('a page closed early, sent by the next');
    for (const name of TAKEN) {
      const found = vital(closed(receiver.spans), name);
      if (support[name] !== null) {
        expect(found, name).toHaveLength(0);
        skip(`${name} of a closed page`, support[name]!);
        continue;
      }
      expect(found, name).toHaveLength(1);
      const value = found[0]!.attributes['browser.web_vital.value'] as number;
      expect(found[0]!.traceId).toBe(load!.traceId);
      expect(value, name).toBeCloseTo(Number(measured[name]), 3);
      pass(`${name} of a closed page`);
    }
    // the page's own deliberate error aside, nothing reached the page, and we warned of nothing
    expect(driver.pageErrors.filter((e) => !e.includes('thrown before the rest loaded'))).toEqual(
      [],
    );
    expect(driver.consoleWarnings.filter((w) => w.includes('[otel-rum]'))).toEqual([]);
  });

  it('reports a thrown error and a rejection with exception.* and a 404 image', async () => {
    await driver.open(`${demo.web}/app.html`);
    await driver.evaluate(watchPage);
    const sessionId = await driver.evaluate(() => (window as any).rum.getSessionId() as string);
    await driver.click('#throw');
    await driver.click('#reject');
    await receiver.waitFor((s) => named(s, 'error', sessionId).length >= 3);
    await sleep(500);
    const errors = named(receiver.spans, 'error', sessionId);
    const bySource = (src: string) =>
      errors.filter((e) => e.attributes['rum.error.source'] === src);
    expect(bySource('uncaught')).toHaveLength(1);
    expect(bySource('unhandledrejection')).toHaveLength(1);
    const [thrown] = bySource('uncaught');
    expect(thrown.attributes['exception.type']).toBe('TypeError');
    expect(thrown.attributes['exception.message']).toBe('cart is undefined for user [email]');
    expect(thrown.attributes['exception.stacktrace']).toMatch(/explode/);
    expect(thrown.attributes['exception.stacktrace']).toMatch(/app\.html:\d+:\d+/);
    expect(thrown.attributes['exception.stacktrace']).not.toMatch(/jane@example\.com/);
    expect(thrown.attributes['rum.error.last_action.target']).toBe('button#throw');
    expect(thrown.status.code).toBe(2);
    pass('thrown error');
    const [rejected] = bySource('unhandledrejection');
    expect(rejected.attributes['exception.type']).toBe('RangeError');
    expect(rejected.attributes['exception.message']).toBe('quantity out of range');
    expect(rejected.attributes['exception.stacktrace']).toMatch(/app\.html/);
    expect(rejected.status.code).toBe(2);
    pass('unhandled rejection');
    const [image] = bySource('resource');
    expect(image?.attributes['rum.resource.url']).toBe(`${demo.web}/no-such-image.png?session=*`);
    pass('resource error');
    expect(
      errors.filter((e) => String(e.attributes['exception.message']).includes('otel-rum')),
    ).toHaveLength(0);

    // only the page's deliberate errors reached the page, none from the SDK
    const problems = await driver.evaluate(pageProblems);
    expect(problems.sdkWarnings).toEqual([]);
    // app.html's own listener hears uncaught errors (not rejections)
    expect(problems.pageErrors).toHaveLength(1);
    expect(problems.pageErrors[0]).toMatch(/cart is undefined/);
    for (const e of driver.pageErrors) expect(e).toMatch(/cart is undefined|quantity out of range/);
    expect(driver.consoleWarnings.filter((w) => w.includes('[otel-rum]'))).toEqual([]);
  });
});
