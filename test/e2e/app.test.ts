import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './harness/browser';
import { startDemo, type DemoServer } from './harness/demo';
import { named } from './harness/fixture';
import { startReceiver, type ReceivedSpan, type Receiver } from './harness/receiver';

let receiver: Receiver;
let demo: DemoServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  receiver = await startReceiver();
  demo = await startDemo({ collector: receiver.url, webRoot: join(import.meta.dirname, 'pages') });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await receiver?.close();
});

async function openApp(): Promise<{ page: Page; sessionId: string; close(): Promise<void> }> {
  const context = await browser.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demo.web}/app.html`);
  const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
  return { page, sessionId, close: () => context.close() };
}

const byId = (spans: ReceivedSpan[], id: string) => spans.find((s) => s.spanId === id);
const httpSpans = (spans: ReceivedSpan[], sessionId: string) =>
  spans.filter((s) => s.kind === 3 && s.attributes['session.id'] === sessionId);

describe('API calls joined to backend traces', () => {
  it('click -> fetch -> API server span share one trace, across an await', async () => {
    const app = await openApp();
    await app.page.click('#load');
    await app.page.waitForFunction(() => (window as any).results.load === 200);
    const spans = await receiver.waitFor((s) => {
      const fetchSpan = httpSpans(s, app.sessionId).find((f) =>
        String(f.attributes['url.full']).endsWith('/api/products'),
      );
      return !!fetchSpan && s.some((x) => x.parentSpanId === fetchSpan.spanId && x.kind === 2);
    });
    const fetchSpan = httpSpans(spans, app.sessionId).find((f) =>
      String(f.attributes['url.full']).endsWith('/api/products'),
    )!;
    const click = byId(spans, fetchSpan.parentSpanId)!;
    const server = spans.find((x) => x.parentSpanId === fetchSpan.spanId && x.kind === 2)!;
    expect(click.name).toBe('click');
    expect(click.attributes['rum.interaction.name']).toBe('load-products');
    expect(click.attributes['rum.interaction.target']).toBe('button#load');
    expect(click.parentSpanId).toBe('');
    expect(new Set([click.traceId, fetchSpan.traceId, server.traceId]).size).toBe(1);
    expect(server.resource['service.name']).toBe('shop-api');
    // the API saw the traceparent of the browser's fetch span
    expect(server.attributes['demo.traceparent_received']).toBe(
      `00-${fetchSpan.traceId}-${fetchSpan.spanId}-01`,
    );
    expect(fetchSpan.name).toBe('GET');
    expect(fetchSpan.attributes['http.request.method']).toBe('GET');
    expect(fetchSpan.attributes['http.response.status_code']).toBe(200);
    expect(fetchSpan.attributes['url.full']).toBe(`${demo.api}/api/products`);
    expect(fetchSpan.events.map((e) => e.name)).toContain('responseEnd');
    expect(click.attributes['rum.interaction.dead']).toBe(false);
    await app.close();
  });

  it('sends no traceparent to an origin that is not allowed, and the call still succeeds', async () => {
    const app = await openApp();
    await app.page.click('#other');
    await app.page.waitForFunction(() => (window as any).results.other);
    const result = await app.page.evaluate(() => (window as any).results.other);
    expect(result.status).toBe(200);
    expect(result.body.traceparent).toBeNull();
    // the server span is its own trace; the fetch span links to it through Server-Timing
    const spans = await receiver.waitFor((s) =>
      httpSpans(s, app.sessionId).some(
        (f) => String(f.attributes['url.full']).includes('/api/echo-headers') && f.links.length > 0,
      ),
    );
    const fetchSpan = httpSpans(spans, app.sessionId).find((f) =>
      String(f.attributes['url.full']).includes('/api/echo-headers'),
    )!;
    const [link] = fetchSpan.links;
    expect(link.traceId).not.toBe(fetchSpan.traceId);
    const server = await receiver.waitFor((s) => s.some((x) => x.spanId === link.spanId));
    expect(byId(server, link.spanId)!.kind).toBe(2);
    await app.close();
  });

  it('matches an allowed host only up to a boundary: a longer host name gets no traceparent', async () => {
    const app = await openApp();
    const port = new URL(demo.api).port;
    const call = (host: string) =>
      app.page.evaluate(async (url) => {
        const res = await fetch(url);
        return { status: res.status, traceparent: (await res.json()).traceparent };
      }, `http://${host}:${port}/api/echo-headers`);
    // 'http://api.localhost' is allowed: the same host on any port gets it
    const allowed = await call('api.localhost');
    expect(allowed.status).toBe(200);
    expect(allowed.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // another host whose name starts with it does not, and its call still succeeds
    const other = await call('api.localhost.evil.localhost');
    expect(other.status).toBe(200);
    expect(other.traceparent).toBeNull();
    await app.close();
  });

  it('traces XHR with traceparent once', async () => {
    const app = await openApp();
    await app.page.click('#xhr');
    await app.page.waitForFunction(() => (window as any).results.xhr);
    const result = await app.page.evaluate(() => (window as any).results.xhr);
    const spans = await receiver.waitFor((s) => httpSpans(s, app.sessionId).length >= 1);
    const [xhrSpan] = httpSpans(spans, app.sessionId);
    expect(result.body.traceparent).toBe(`00-${xhrSpan.traceId}-${xhrSpan.spanId}-01`);
    expect(xhrSpan.attributes['http.response.status_code']).toBe(200);
    await app.close();
  });

  it('links the page load to the trace that served the HTML (Server-Timing)', async () => {
    const app = await openApp();
    const spans = await receiver.waitFor((s) => named(s, 'page_load', app.sessionId).length === 1);
    const [load] = named(spans, 'page_load', app.sessionId);
    expect(load.links).toHaveLength(1);
    const docTrace = await receiver.waitFor((s) =>
      s.some((x) => x.spanId === load.links[0].spanId),
    );
    const server = byId(docTrace, load.links[0].spanId)!;
    expect(server.kind).toBe(2);
    expect(server.traceId).toBe(load.links[0].traceId);
    expect(server.attributes['url.path'] ?? server.attributes['http.target']).toMatch(/app\.html/);
    await app.close();
  });

  it('marks failed and aborted requests as errors', async () => {
    const app = await openApp();
    await app.page.click('#fail');
    await app.page.click('#abort');
    await app.page.waitForFunction(
      () => (window as any).results.fail && (window as any).results.abort,
    );
    expect(await app.page.evaluate(() => (window as any).results.abort)).toBe('AbortError');
    const spans = await receiver.waitFor((s) => httpSpans(s, app.sessionId).length >= 2);
    const failed = httpSpans(spans, app.sessionId).find((f) =>
      String(f.attributes['url.full']).endsWith('/api/error'),
    )!;
    expect(failed.attributes['http.response.status_code']).toBe(500);
    expect(failed.attributes['error.type']).toBe('500');
    expect(failed.status.code).toBe(2);
    const aborted = httpSpans(spans, app.sessionId).find((f) =>
      String(f.attributes['url.full']).includes('delay='),
    )!;
    expect(aborted.status.code).toBe(2);
    expect(aborted.attributes['error.type']).toBe('aborted');
    // query values are scrubbed in url.full
    expect(aborted.attributes['url.full']).toBe(`${demo.api}/api/products?delay=*`);
    await app.close();
  });
});

describe('errors', () => {
  it('reports a thrown error, a rejection and a 404 image once each, with context', async () => {
    const app = await openApp();
    await app.page.click('#throw');
    await app.page.click('#reject');
    const spans = await receiver.waitFor((s) => named(s, 'error', app.sessionId).length >= 3);
    await app.page.waitForTimeout(500);
    const errors = named(receiver.spans, 'error', app.sessionId);
    const bySource = (src: string) =>
      errors.filter((e) => e.attributes['rum.error.source'] === src);
    expect(bySource('uncaught')).toHaveLength(1);
    expect(bySource('unhandledrejection')).toHaveLength(1);
    expect(bySource('resource')).toHaveLength(1);
    const [thrown] = bySource('uncaught');
    expect(thrown.attributes['exception.type']).toBe('TypeError');
    expect(thrown.attributes['exception.message']).toBe('cart is undefined for user [email]');
    expect(thrown.attributes['exception.stacktrace']).toMatch(/explode/);
    expect(thrown.attributes['exception.stacktrace']).toMatch(/app\.html:\d+:\d+/);
    expect(thrown.attributes['rum.error.last_action.target']).toBe('button#throw');
    expect(thrown.attributes['rum.error.last_action.type']).toBe('click');
    expect(thrown.attributes['rum.error.session_age_ms']).toBeGreaterThanOrEqual(0);
    expect(thrown.attributes['rum.error.requests_in_flight']).toBe(0);
    expect(thrown.status.code).toBe(2);
    // an error thrown in a click handler belongs to the click's trace
    await receiver.waitFor((s) => s.some((x) => x.spanId === thrown.parentSpanId));
    const click = receiver.spans.find((s) => s.spanId === thrown.parentSpanId);
    expect(click?.name).toBe('click');
    const [rejected] = bySource('unhandledrejection');
    expect(rejected.attributes['exception.type']).toBe('RangeError');
    expect(rejected.attributes['exception.stacktrace']).toMatch(/app\.html/);
    const [image] = bySource('resource');
    expect(image.attributes['rum.resource.type']).toBe('img');
    expect(image.attributes['rum.resource.url']).toBe(`${demo.web}/no-such-image.png?session=*`);
    expect(image.attributes['exception.type']).toBe('ResourceError');
    expect(image.attributes['exception.message']).toBe(
      `Failed to load img ${demo.web}/no-such-image.png?session=*`,
    );
    expect(
      spans.filter(
        (s) =>
          s.attributes['exception.message'] &&
          String(s.attributes['exception.message']).includes('otel-rum'),
      ),
    ).toHaveLength(0);
    await app.close();
  });

  it('collapses 10,000 identical errors into a bounded number of spans and keeps the page responsive', async () => {
    const app = await openApp();
    await app.page.click('#storm');
    // the page answers while the storm runs
    const t0 = Date.now();
    await app.page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    await app.page.waitForTimeout(3_000);
    const responsive = Date.now() - t0;
    await app.page.evaluate(() => (window as any).rum.flush());
    const stormSpans = (s: ReceivedSpan[]) =>
      named(s, 'error', app.sessionId).filter(
        (e) => e.attributes['exception.message'] === 'render loop failed',
      );
    const spans = await receiver
      .waitFor(
        (s) =>
          stormSpans(s).reduce((n, e) => n + Number(e.attributes['rum.error.count']), 0) === 10_000,
      )
      .catch((error) => {
        console.log(stormSpans(receiver.spans).map((e) => e.attributes));
        throw error;
      });
    const storm = named(spans, 'error', app.sessionId).filter(
      (e) => e.attributes['exception.message'] === 'render loop failed',
    );
    const total = storm.reduce((n, e) => n + Number(e.attributes['rum.error.count']), 0);
    console.log(
      `error storm: 10000 thrown -> ${storm.length} spans carrying count ${total}; page answered in ${responsive} ms`,
    );
    expect(total).toBe(10_000);
    expect(storm.length).toBeLessThanOrEqual(5);
    expect(await app.page.evaluate(() => (window as any).__pageErrors.length)).toBe(10_000);
    await app.close();
  });
});

describe('interactions and long frames', () => {
  it('flags rage clicks and dead clicks', async () => {
    const app = await openApp();
    for (let i = 0; i < 4; i++) await app.page.click('#dead', { delay: 10 });
    const spans = await receiver.waitFor(
      (s) => named(s, 'click', app.sessionId).length >= 4,
      20_000,
    );
    const clicks = named(spans, 'click', app.sessionId).sort((a, b) => a.startMs - b.startMs);
    expect(clicks.map((c) => c.attributes['rum.interaction.rage'] ?? false)).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(clicks[3].attributes['rum.interaction.click_count']).toBe(4);
    expect(clicks.every((c) => c.attributes['rum.interaction.dead'] === true)).toBe(true);
    expect(clicks[0].attributes['rum.interaction.target']).toBe('button#dead');
    await app.close();
  });

  it('reports the long animation frame of a slow handler and links INP to it and to the click', async () => {
    const app = await openApp();
    await app.page.click('#slow');
    await app.page.waitForTimeout(1_200);
    await app.page.goto(`${demo.web}/app.html?next`); // leave the page: INP is final
    const spans = await receiver.waitFor(
      (s) =>
        s.some(
          (x) =>
            x.attributes['browser.web_vital.name'] === 'inp' &&
            x.attributes['session.id'] === app.sessionId,
        ) && named(s, 'long_animation_frame', app.sessionId).length > 0,
    );
    const frames = named(spans, 'long_animation_frame', app.sessionId);
    const slow = frames.find(
      (f) =>
        f.attributes['rum.loaf.script.invoker'] === 'BUTTON#slow.onclick' ||
        String(f.attributes['rum.loaf.script.function'] ?? '') === 'slowHandler',
    );
    expect(slow, JSON.stringify(frames.map((f) => f.attributes))).toBeTruthy();
    expect(slow!.attributes['rum.loaf.duration']).toBeGreaterThanOrEqual(300);
    expect(slow!.attributes['rum.loaf.script.source_url']).toMatch(/app\.html$/);
    const inp = spans.find(
      (x) =>
        x.attributes['browser.web_vital.name'] === 'inp' &&
        x.attributes['session.id'] === app.sessionId,
    )!;
    const linked = new Set(inp.links.map((l) => l.spanId));
    expect(linked.has(slow!.spanId)).toBe(true);
    const click = named(spans, 'click', app.sessionId)[0];
    expect(linked.has(click.spanId)).toBe(true);
    await app.close();
  });

  it('custom events carry the page LCP rating', async () => {
    const app = await openApp();
    await app.page.click('#title'); // input finalises LCP
    await app.page.waitForTimeout(1_200);
    await app.page.evaluate(() =>
      (window as any).rum.trackEvent('checkout_completed', { value: 42 }),
    );
    const spans = await receiver.waitFor(
      (s) => named(s, 'custom_event', app.sessionId).length === 1,
    );
    const [event] = named(spans, 'custom_event', app.sessionId);
    expect(event.attributes['rum.page.lcp_rating']).toBe('good');
    expect(event.attributes['value']).toBe(42);
    await app.close();
  });
});
