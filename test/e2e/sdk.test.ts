import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectSpaRouteChanges,
  hidePage,
  named,
  showPage,
  startE2E,
  vital,
  type E2E,
} from './harness/fixture';
import type { ReceivedSpan } from './harness/receiver';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
beforeEach(() => e2e.receiver.clear());

const initUrl = (params: Record<string, string> = {}) =>
  `${e2e.pages.url}/pages/init.html?${new URLSearchParams(params)}`;

describe('SPA route changes', () => {
  it('emits a route_change per navigation, with templates and scrubbed URLs', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.pages.url}/spa/home`);
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await page.click('#to-product');
    await page.waitForTimeout(50);
    await page.click('#to-cart');
    await page.waitForTimeout(50);
    await page.click('#to-order');
    await page.waitForTimeout(50);
    await page.goBack(); // popstate back to the cart
    const spans = await e2e.receiver.waitFor(
      (s) => named(s, 'route_change', sessionId).length >= 4,
    );
    const changes = named(spans, 'route_change', sessionId).sort((a, b) => a.startMs - b.startMs);
    expectSpaRouteChanges(changes, e2e.pages.url);
    expect(changes[2].attributes['rum.page.url']).toBe(`${e2e.pages.url}/spa/orders/[id]/items/77`);
    // each route change is a new page view and a new trace
    const views = new Set(changes.map((s) => s.attributes['rum.page.view_id']));
    expect(views.size).toBe(4);
    expect(new Set(changes.map((s) => s.traceId)).size).toBe(4);
    for (const c of changes) {
      expect(c.parentSpanId).toBe('');
      expect(c.endMs).toBeGreaterThanOrEqual(c.startMs);
    }
    // a custom event after the route change belongs to the new view's trace
    await page.evaluate(() => (window as any).rum.trackEvent('added_to_cart', { sku: 'A1' }));
    const withEvent = await e2e.receiver.waitFor(
      (s) => named(s, 'custom_event', sessionId).length === 1,
    );
    const [event] = named(withEvent, 'custom_event', sessionId);
    expect(event.attributes['rum.event.name']).toBe('added_to_cart');
    expect(event.attributes['sku']).toBe('A1');
    expect(event.attributes['rum.page.route']).toBe('/spa/cart');
    expect(event.traceId).toBe(changes[3].traceId);
    await context.close();
  });
});

describe('device and network', () => {
  it('classifies an emulated phone on Slow 3G as mobile with the matching effective type', async () => {
    const context = await e2e.browser.browser.newContext({
      viewport: { width: 412, height: 915 },
      deviceScaleFactor: 2.625,
      isMobile: true,
      hasTouch: true,
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // DevTools' "Slow 3G" preset
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 2000,
      downloadThroughput: ((500 * 1000) / 8) * 0.8,
      uploadThroughput: ((500 * 1000) / 8) * 0.8,
      connectionType: 'cellular3g',
    });
    await page.goto(initUrl(), { timeout: 60_000 });
    const seen = await page.evaluate(() => ({
      effectiveType: (navigator as any).connection?.effectiveType,
      type: (navigator as any).connection?.type,
      sessionId: (window as any).rum.getSessionId(),
      innerWidth: window.innerWidth,
      screenWidth: screen.width,
    }));
    const spans = await e2e.receiver.waitFor(
      (s) => named(s, 'page_load', seen.sessionId).length === 1,
      60_000,
    );
    const [load] = named(spans, 'page_load', seen.sessionId);
    expect(load.attributes['rum.device.class']).toBe('mobile');
    expect(seen.effectiveType).toMatch(/^(slow-2g|2g|3g)$/);
    expect(load.attributes['rum.network.effective_type']).toBe(seen.effectiveType);
    // navigator.connection.type exists on Android and ChromeOS only; desktop Chromium has none
    if (seen.type) expect(load.attributes['network.connection.type']).toBe('cell');
    else expect(load.attributes).not.toHaveProperty('network.connection.type');
    // no viewport meta tag: a mobile browser lays the page out 980 px wide, as the page saw
    expect(load.attributes['rum.viewport.width']).toBe(seen.innerWidth);
    expect(load.attributes['rum.screen.width']).toBe(412);
    expect(seen.screenWidth).toBe(412);
    expect(load.attributes['rum.device.pixel_ratio']).toBe(2.625);
    await context.close();
  });
});

describe('sessions and sampling', () => {
  it('shares one session across tabs and keeps it on reload', async () => {
    const context = await e2e.browser.browser.newContext();
    const a = await context.newPage();
    await a.goto(initUrl());
    const b = await context.newPage();
    await b.goto(initUrl());
    const ids = await Promise.all(
      [a, b].map((p) => p.evaluate(() => (window as any).rum.getSessionId())),
    );
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
    await a.reload();
    expect(await a.evaluate(() => (window as any).rum.getSessionId())).toBe(ids[0]);
    const spans = await e2e.receiver.waitFor((s) => named(s, 'page_load', ids[0]).length === 3);
    expect(named(spans, 'session_start', ids[0])).toHaveLength(1);
    await context.close();
  });

  it('rolls the session over after inactivity, setting session.previous_id', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl({ opts: JSON.stringify({ session: { inactivityTimeoutMs: 1500 } }) }));
    const first = await page.evaluate(() => (window as any).rum.getSessionId());
    // keep it alive with real input for longer than the timeout
    for (let i = 0; i < 4; i++) {
      await page.waitForTimeout(600);
      await page.mouse.click(5, 5);
    }
    expect(await page.evaluate(() => (window as any).rum.getSessionId())).toBe(first);
    await page.waitForTimeout(1700);
    await page.evaluate(() => (window as any).rum.trackEvent('after_idle'));
    const second = await page.evaluate(() => (window as any).rum.getSessionId());
    expect(second).not.toBe(first);
    const spans = await e2e.receiver.waitFor((s) => named(s, 'custom_event', second).length === 1);
    expect(named(spans, 'custom_event', second)[0].attributes['session.previous_id']).toBe(first);
    expect(named(spans, 'session_start', second)).toHaveLength(1);
    await context.close();
  });

  it('sends nothing for an unsampled session, and everything with alwaysSample', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl({ opts: JSON.stringify({ sessionSampleRate: 0 }) }));
    await page.evaluate(() => (window as any).rum.trackEvent('unsampled'));
    await page.click('#btn');
    await hidePage(page);
    await page.waitForTimeout(1500);
    expect(e2e.receiver.spans).toHaveLength(0);
    expect(e2e.receiver.requests).toHaveLength(0);
    await context.close();

    const forced = await e2e.browser.browser.newContext();
    const p2 = await forced.newPage();
    await p2.goto(initUrl({ opts: JSON.stringify({ sessionSampleRate: 0 }), alwaysSample: '1' }));
    const id = await p2.evaluate(() => (window as any).rum.getSessionId());
    await e2e.receiver.waitFor((s) => named(s, 'page_load', id).length === 1);
    await forced.close();
  });
});

describe('users', () => {
  it('puts user.id on every span after setUser, and none after clearUser', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl());
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await page.evaluate(() => {
      const rum = (window as any).rum;
      rum.setUser({ id: 'u-123' });
      rum.trackEvent('signed_in');
      rum.recordError(new Error('as user'));
      rum.clearUser();
      rum.trackEvent('signed_out');
      rum.setUser({ id: 42 }); // not a string: warned about and ignored
      rum.trackEvent('still_anonymous');
    });
    const spans = await e2e.receiver.waitFor(
      (s) => named(s, 'custom_event', sessionId).length === 3,
    );
    const byEvent = Object.fromEntries(
      named(spans, 'custom_event', sessionId).map((e) => [
        e.attributes['rum.event.name'],
        e.attributes['user.id'],
      ]),
    );
    expect(byEvent).toEqual({
      signed_in: 'u-123',
      signed_out: undefined,
      still_anonymous: undefined,
    });
    await e2e.receiver.waitFor((s) => named(s, 'error', sessionId).length === 1);
    expect(named(e2e.receiver.spans, 'error', sessionId)[0].attributes['user.id']).toBe('u-123');
    expect(await page.evaluate(() => (window as any).__warnings)).toEqual([
      '[otel-rum] setUser() needs { id: string }',
    ]);
    await context.close();
  });
});

describe('robustness', () => {
  it.each([
    ['PerformanceObserver'],
    ['localStorage'],
    ['connection'],
    ['fullStorage'],
    ['PerformanceObserver,localStorage,sessionStorage,connection,requestIdleCallback'],
  ])('throws nothing into the page without %s, and still reports', async (remove) => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(initUrl({ remove }));
    await page.click('#btn');
    await page.evaluate(() => (window as any).rum.trackEvent('still_works'));
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    await hidePage(page);
    const spans = await e2e.receiver.waitFor(
      (s) =>
        named(s, 'custom_event', sessionId).length === 1 &&
        named(s, 'page_load', sessionId).length === 1,
    );
    const [load] = named(spans, 'page_load', sessionId);
    if (remove.includes('connection'))
      expect(load.attributes).not.toHaveProperty('rum.network.effective_type');
    expect(await page.evaluate(() => (window as any).__pageErrors)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('warns once naming a bad option and stays off', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl({ opts: JSON.stringify({ sessionSampleRate: 5 }) }));
    const warnings = await page.evaluate(() => (window as any).__warnings);
    expect(warnings).toEqual([
      '[otel-rum] option "sessionSampleRate" must be a number from 0 to 1; RUM is off',
    ]);
    await page.evaluate(() => (window as any).rum.trackEvent('x'));
    await page.waitForTimeout(800);
    expect(e2e.receiver.spans).toHaveLength(0);
    expect(await page.evaluate(() => (window as any).__pageErrors)).toEqual([]);
    await context.close();
  });

  it('returns the first instance when initialised twice, loaded twice', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl());
    const same = await page.evaluate(async () => {
      const first = (window as any).rum;
      // a second copy of the script, as when a tag manager and the bundle both load it
      await new Promise((resolve) => {
        const s = document.createElement('script');
        s.src = '/otel-rum.iife.js?copy=2';
        s.onload = resolve;
        document.head.appendChild(s);
      });
      const second = (window as any).OtelRum.initRum({ serviceName: 'again' });
      return { same: first === second, warnings: (window as any).__warnings };
    });
    expect(same.same).toBe(true);
    expect(same.warnings).toEqual([
      '[otel-rum] initRum() was called more than once; the first instance is returned',
    ]);
    await context.close();
  });

  it('shutdown flushes and removes every listener and patch', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl({ noinit: '1' }));
    const before = await page.evaluate(() => history.pushState.toString());
    const sessionId = await page.evaluate(async () => {
      const rum = (window as any).OtelRum.initRum({
        serviceName: 's',
        endpoint: '__E__'.replace(
          '__E__',
          (document.querySelector('script[src]') as any) ? location.origin : '',
        ),
      });
      return rum.getSessionId();
    });
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    await page.evaluate(() => (window as any).OtelRum && null);
    const result = await page.evaluate(async (endpoint) => {
      // re-init against the receiver after shutting down the first instance
      const g = (window as any).OtelRum;
      const r0 = g.initRum({ serviceName: 'ignored' });
      await r0.shutdown();
      const rum = g.initRum({ serviceName: 's2', endpoint, flushIntervalMs: 60_000 });
      const patched = history.pushState.toString();
      rum.trackEvent('before_shutdown');
      await rum.shutdown();
      const restored = history.pushState.toString();
      history.pushState({}, '', '/after-shutdown');
      rum.trackEvent('after_shutdown');
      return { patched, restored, id: rum.getSessionId() };
    }, e2e.receiver.url);
    expect(result.patched).not.toBe(before);
    expect(result.restored).toBe(before);
    // flushed on shutdown even though the flush interval is a minute
    const spans = await e2e.receiver.waitFor((s) => named(s, 'custom_event').length >= 1);
    await page.waitForTimeout(500);
    expect(named(spans, 'custom_event').map((s) => s.attributes['rum.event.name'])).toEqual([
      'before_shutdown',
    ]);
    expect(named(spans, 'route_change')).toHaveLength(0);
    await context.close();
  });
});

describe("the page's own state", () => {
  it('leaves the Resource Timing buffer alone: early resources are still listed after many fetches', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl());
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    const resources = () =>
      page.evaluate(() =>
        performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
      );
    expect(await resources()).toContain('/otel-rum.iife.js');
    // requests that drain one by one, then in parallel: the moments a cleaner would run
    await page.evaluate(async () => {
      for (let i = 0; i < 10; i++) await fetch(`/favicon.ico?seq=${i}`);
      await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`/favicon.ico?par=${i}`)));
    });
    await page.waitForTimeout(800); // the spans end once their Resource Timing entries are in
    // every request traced (CLIENT spans)
    await e2e.receiver.waitFor(
      (s) => s.filter((x) => x.kind === 3 && x.attributes['session.id'] === sessionId).length >= 50,
    );
    const listed = await resources();
    expect(listed).toContain('/otel-rum.iife.js');
    expect(listed.filter((p) => p === '/favicon.ico').length).toBeGreaterThanOrEqual(50);
    await context.close();
  });
});

describe('fetch and XHR spans', () => {
  it('send traceparent with each form of request, which arrives as the app made it', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(initUrl());
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    const APP_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const got = await page.evaluate(async (appTraceparent) => {
      const json = (r: Promise<Response>) => r.then((res) => res.json());
      return {
        request: await json(
          fetch(
            new Request('/echo/request', {
              method: 'POST',
              body: 'request body',
              headers: { 'x-app': 'request' },
              referrerPolicy: 'no-referrer',
            }),
          ),
        ),
        url: await json(fetch(new URL('/echo/url', location.href), { method: 'post', body: 'b' })),
        own: await json(fetch('/echo/own', { headers: [['traceparent', appTraceparent]] })),
        xhr: await new Promise<any>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', '/echo/xhr');
          xhr.setRequestHeader('x-app', 'xhr');
          xhr.onload = () => resolve(JSON.parse(xhr.responseText));
          xhr.send('xhr body');
        }),
      };
    }, APP_TRACEPARENT);
    const echo = (s: ReceivedSpan[]) =>
      s.filter(
        (x) =>
          x.kind === 3 &&
          x.attributes['session.id'] === sessionId &&
          String(x.attributes['url.full']).includes('/echo/'),
      );
    const spans = echo(await e2e.receiver.waitFor((s) => echo(s).length >= 4));
    const span = (path: string) =>
      spans.find((x) => String(x.attributes['url.full']).endsWith(`/echo/${path}`))!;
    const traceparent = (s: ReceivedSpan) => `00-${s.traceId}-${s.spanId}-01`;

    // a Request keeps its method, body, headers and referrer policy
    expect(got.request).toEqual({
      method: 'POST',
      body: 'request body',
      app: 'request',
      referer: null,
      traceparent: traceparent(span('request')),
    });
    expect(got.url).toMatchObject({
      method: 'POST',
      body: 'b',
      traceparent: traceparent(span('url')),
    });
    // the app's own traceparent is left alone
    expect(got.own.traceparent).toBe(APP_TRACEPARENT);
    expect(got.xhr).toMatchObject({
      method: 'POST',
      body: 'xhr body',
      app: 'xhr',
      traceparent: traceparent(span('xhr')),
    });

    expect(span('request').name).toBe('POST');
    expect(span('request').attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'url.full': `${e2e.pages.url}/echo/request`,
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(e2e.pages.url).port),
    });
    expect(span('url').attributes['http.request.method_original']).toBe('post');
    for (const s of spans) {
      // Resource Timing events, and the span ends with the response, not 300 ms later
      const events = Object.fromEntries(s.events.map((e) => [e.name, e.timeMs]));
      expect(Object.keys(events)).toEqual(expect.arrayContaining(['fetchStart', 'responseEnd']));
      expect(events.fetchStart).toBeGreaterThanOrEqual(s.startMs);
      expect(s.endMs).toBeGreaterThanOrEqual(events.responseEnd!);
      expect(s.endMs - events.responseEnd!).toBeLessThan(100);
    }
    await context.close();
  });
});

describe('final and repeated vital reports', () => {
  it('marks a second report of the same metric id as a repeat', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.pages.url}/pages/vitals.html`);
    await page.waitForFunction(() => (window as any).__measured.cls > 0);
    await page.waitForTimeout(300);
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await hidePage(page);
    await e2e.receiver.waitFor((s) => vital(s, 'cls', sessionId).length === 1);
    await showPage(page);
    // a second shift after the page came back
    await page.evaluate(() => {
      document.getElementById('shift')!.style.height = '300px';
    });
    await page.waitForTimeout(500);
    await hidePage(page);
    const spans = await e2e.receiver.waitFor((s) => vital(s, 'cls', sessionId).length === 2);
    const [first, second] = vital(spans, 'cls', sessionId).sort((a, b) => a.startMs - b.startMs);
    expect(second.attributes['browser.web_vital.id']).toBe(
      first.attributes['browser.web_vital.id'],
    );
    expect(first.attributes['rum.web_vital.repeat']).toBe(false);
    expect(second.attributes['rum.web_vital.repeat']).toBe(true);
    expect(second.attributes['browser.web_vital.value']).toBeGreaterThan(
      first.attributes['browser.web_vital.value'] as number,
    );
    expect(second.attributes['browser.web_vital.delta']).toBeCloseTo(
      (second.attributes['browser.web_vital.value'] as number) -
        (first.attributes['browser.web_vital.value'] as number),
      6,
    );
    await context.close();
  });
});
