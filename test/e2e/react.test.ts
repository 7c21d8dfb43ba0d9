import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { named, startE2E, type E2E } from './harness/fixture';
import type { ReceivedSpan } from './harness/receiver';

const here = dirname(fileURLToPath(import.meta.url));
// Development runs StrictMode's double render and double effects; production is what users get.
const BUILDS = ['development', 'production'] as const;

let e2e: E2E;
let outDir: string;
beforeAll(async () => {
  if (!existsSync(join(here, '..', '..', 'dist', 'otel-rum.iife.js'))) {
    throw new Error('dist/otel-rum.iife.js is missing: run `npm run build` first');
  }
  outDir = mkdtempSync(join(tmpdir(), 'otel-rum-react-'));
  e2e = await startE2E();
  // The app bundles react, react-dom and src/react; the SDK itself comes from the real IIFE.
  for (const mode of BUILDS) {
    const outfile = join(outDir, `react-app.${mode}.js`);
    await build({
      entryPoints: [join(here, 'react-app', 'main.ts')],
      bundle: true,
      format: 'iife',
      target: 'es2020',
      outfile,
      define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
      logLevel: 'warning',
    });
    e2e.pages.serveScript(`/react-app.${mode}.js`, outfile);
  }
});
afterAll(async () => {
  await e2e?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});
beforeEach(() => e2e.receiver.clear());

async function openApp(params: Record<string, string>) {
  const context = await e2e.browser.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${e2e.pages.url}/pages/react.html?${new URLSearchParams(params)}`);
  await page.waitForSelector('#step');
  const sessionId: string = await page.evaluate(() => (window as any).rum?.getSessionId() ?? '');
  return { context, page, sessionId };
}

/** Sends what is buffered and gives the receiver a moment, so "exactly n" also means "no more". */
async function settle(page: Page): Promise<ReceivedSpan[]> {
  await page.evaluate(() => (window as any).rum.flush());
  await page.waitForTimeout(300);
  return e2e.receiver.spans;
}

const events = (spans: ReceivedSpan[], name: string, sessionId: string) =>
  named(spans, 'custom_event', sessionId)
    .filter((s) => s.attributes['rum.event.name'] === name)
    .sort((a, b) => a.startMs - b.startMs);

describe.each(BUILDS)('React (%s build)', (build) => {
  it('reports a render error once with its component stack, shows the fallback, and resets', async () => {
    const { context, page, sessionId } = await openApp({ build, crash: '1' });
    expect(await page.textContent('#fallback-message')).toBe('cart total is not a number');
    await e2e.receiver.waitFor((s) => named(s, 'error', sessionId).length >= 1);
    let errors = named(await settle(page), 'error', sessionId);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error.attributes['exception.type']).toBe('TypeError');
    expect(error.attributes['exception.message']).toBe('cart total is not a number');
    expect(error.attributes['exception.stacktrace']).toMatch(
      /TypeError: cart total[\s\S]*\bCart\b/,
    );
    const componentStack = String(error.attributes['react.component_stack']);
    expect(componentStack).toMatch(/^at Cart\b/);
    expect(componentStack).toMatch(/\bRumErrorBoundary\b[\s\S]*\bApp\b/);
    expect(error.attributes['app.area']).toBe('cart');
    expect(error.status.code).toBe(2);
    // caught by the boundary: the page's own error listener never saw it
    expect(await page.evaluate(() => (window as any).__pageErrors)).toEqual([]);

    // reset remounts the children; another crash is another error, reported once
    await page.click('#retry');
    await page.waitForSelector('#cart-ok');
    expect(named(await settle(page), 'error', sessionId)).toHaveLength(1);
    await page.click('#crash');
    await page.waitForSelector('#fallback');
    await e2e.receiver.waitFor((s) => named(s, 'error', sessionId).length >= 2);
    errors = named(await settle(page), 'error', sessionId);
    expect(errors).toHaveLength(2);
    expect(errors.map((e) => e.attributes['exception.type'])).toEqual(['TypeError', 'RangeError']);
    await context.close();
  });

  it('sends each journey step once, in order, and nothing for re-renders', async () => {
    const { context, page, sessionId } = await openApp({ build });
    for (const id of ['#rerender-checkout', '#rerender-checkout', '#next', '#rerender-checkout']) {
      await page.click(id);
    }
    await page.click('#next');
    await page.click('#next'); // already on the last step: no change, no event
    expect(await page.textContent('#step')).toBe('payment');
    await e2e.receiver.waitFor((s) => events(s, 'journey_step', sessionId).length >= 3);
    const steps = events(await settle(page), 'journey_step', sessionId);
    expect(steps.map((s) => s.attributes['rum.journey.step'])).toEqual([
      'cart',
      'shipping',
      'payment',
    ]);
    for (const step of steps) expect(step.attributes['app.flow']).toBe('checkout');
    await context.close();
  });

  it('reports one mount duration per tracked component, within what the page measured', async () => {
    const { context, page, sessionId } = await openApp({ build });
    await page.click('#rerender-all');
    await page.click('#rerender-all');
    await e2e.receiver.waitFor((s) => events(s, 'component_render', sessionId).length >= 2);
    const renders = events(await settle(page), 'component_render', sessionId);
    const byName = (name: string) =>
      renders.filter((s) => s.attributes['rum.component.name'] === name);
    expect(renders).toHaveLength(2);
    const [slow] = byName('SlowWidget');
    const [list] = byName('SlowList');
    const app = await page.evaluate(() => (window as any).__app);
    // updates re-rendered the widget (and busy-waited again) without another event
    expect(app.slowRenders).toBeGreaterThanOrEqual(3);
    for (const span of [slow, list]) expect(span.attributes['rum.component.phase']).toBe('mount');
    const slowMs = slow.attributes['rum.component.render_ms'] as number;
    expect(slowMs).toBeGreaterThanOrEqual(30);
    // no longer than from before root.render() to the app's own commit (+ rounding)
    expect(slowMs).toBeLessThanOrEqual(app.committed - app.renderStart + 0.1);
    expect(list.attributes['rum.component.render_ms']).toBeGreaterThanOrEqual(10);
    await context.close();
  });

  it('works without a RUM instance: fallback shown, hooks inert, nothing thrown or sent', async () => {
    const { context, page } = await openApp({ build, crash: '1', noinit: '1' });
    expect(await page.textContent('#fallback-message')).toBe('cart total is not a number');
    await page.click('#next');
    await page.click('#rerender-all');
    expect(await page.textContent('#step')).toBe('shipping');
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as any).__pageErrors)).toEqual([]);
    // only this page's spans count: the previous test's tab, closed a moment ago, may still be
    // delivering its last batch (keepalive requests outlive their page)
    const fromThisPage = e2e.receiver.spans.filter((s) =>
      String(s.attributes['rum.page.url']).includes('noinit='),
    );
    expect(fromThisPage).toEqual([]);
    await context.close();
  });
});

// Separate so that it alone fails until the core stops overwriting the caller's source:
// src/instrumentations/custom-events.ts spreads `'rum.error.source': 'api'` after `attributes`.
it('labels boundary errors rum.error.source = react', async () => {
  const { context, sessionId } = await openApp({ build: 'production', crash: '1' });
  const spans = await e2e.receiver.waitFor((s) => named(s, 'error', sessionId).length >= 1);
  expect(named(spans, 'error', sessionId)[0].attributes['rum.error.source']).toBe('react');
  await context.close();
});
