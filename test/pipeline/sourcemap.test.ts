// Readable errors (issue 16): the demo shop's minified production build throws in real Chromium,
// our collector's sourcemap processor rewrites the stack from the build's source map, and Jaeger
// holds the original .tsx file, line and function, with one fingerprint per error group.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { freePort, scrape, startPipeline } from '../../scripts/lib/services.mjs';
import { launchChromium, type LaunchedBrowser } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { eventually, jaegerSearch, type FoundSpan } from './query';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

let stack: any;
let demo: DemoServer;
let browser: LaunchedBrowser;
let work: string;
const started = Date.now();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'otel-rum-sourcemap-'));
  const web = join(work, 'web');
  // the production build: minified, with app.js.map beside app.js
  await run(process.execPath, [join(root, 'demo', 'web', 'build.mjs'), '--outdir', web]);
  // the processor's layout: <dir>/<service.name>/<service.version>/<script URL path>.map
  // (demo/web/index.html: shop-web 1.0.0, the bundle at /app.js)
  const maps = join(work, 'maps', 'shop-web', '1.0.0');
  mkdirSync(maps, { recursive: true });
  copyFileSync(join(web, 'app.js.map'), join(maps, 'app.js.map'));

  const webPort: number = await freePort();
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: {
      corsOrigins: [`http://127.0.0.1:${webPort}`],
      env: { RUM_SOURCEMAP_DIR: join(work, 'maps') },
    },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  // the home page's recommendations always fail: an unhandled rejection, a second error group
  process.env.DEMO_RECOMMENDATIONS_FAILURE_RATE = '1';
  demo = await startDemo({ collector: stack.collector.otlpUrl, webRoot: web, webPort });
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await demo?.stop();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const contexts: BrowserContext[] = [];

/**
 * Opens a page of the shop in a fresh browser context (a new visitor), waits for its error and
 * flushes; the context stays open (its relay worker may still be sending) until the test ends.
 */
async function visit(path: string, ready: string): Promise<string> {
  const context = await browser.browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${demo.web}${path}`);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => (window as any).shopStats.errors > 0);
  const sessionId: string = await page.evaluate(() => (window as any).rum.getSessionId());
  await page.evaluate(() => (window as any).rum.flush());
  return sessionId;
}

/** The 1-based line of `needle` in a demo source file. */
function lineOf(file: string, needle: string): number {
  const lines = readFileSync(join(root, 'demo', 'web', 'src', file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

describe('minified production errors -> sourcemap processor -> Jaeger', () => {
  it('stores the original .tsx frames and one fingerprint per error group', async () => {
    // the same React render error (a review without a rating) on two product pages, and the
    // home page's failed recommendations call
    const sessions = [
      await visit('/product/6', 'text=Reviews are unavailable right now.'),
      await visit('/product/12', 'text=Reviews are unavailable right now.'),
      await visit('/', '.intro'),
    ];

    const errors = await eventually(async () => {
      const spans = await jaegerSearch(stack.jaeger.url, {
        service: 'shop-web',
        operation: 'error',
        startMs: started - 60_000,
        endMs: Date.now() + 60_000,
      });
      const bySession = sessions.map((id) =>
        spans.filter((s) => s.name === 'error' && s.attributes['session.id'] === id),
      );
      if (bySession.some((s) => s.length === 0))
        throw new Error(`error spans per visit: ${bySession.map((s) => s.length).join(', ')}`);
      return bySession.map((s) => s[0]!);
    }, 60_000);
    const [first, second, home] = errors as [FoundSpan, FoundSpan, FoundSpan];
    for (const s of errors) console.log(`[sourcemap] ${s.attributes['exception.stacktrace']}`);

    // the render error, symbolicated: the throwing line of product.tsx, then the Reviews
    // component at its .map() call
    const reviewsStack = String(first.attributes['exception.stacktrace']);
    expect(first.attributes['rum.error.source']).toBe('react');
    expect(first.attributes['exception.type']).toBe('TypeError');
    const top = reviewsStack.split('\n').find((l) => l.trimStart().startsWith('at '));
    expect(top).toMatch(
      new RegExp(
        `demo/web/src/pages/product\\.tsx:${lineOf('pages/product.tsx', 'r.rating!.stars')}:\\d+\\)?$`,
      ),
    );
    expect(reviewsStack).toMatch(
      new RegExp(
        `at Reviews \\(\\S*demo/web/src/pages/product\\.tsx:${lineOf('pages/product.tsx', 'reviewsFor(id).map')}:\\d+\\)`,
      ),
    );
    expect(reviewsStack).not.toContain('/app.js:');
    // the trace as the browser sent it is kept
    expect(String(first.attributes['exception.stacktrace.minified'])).toMatch(
      /at Reviews \(http:\/\/127\.0\.0\.1:\d+\/app\.js:\d+:\d+\)/,
    );

    // the unhandled rejection, thrown in api.ts's getRecommendations
    const homeStack = String(home.attributes['exception.stacktrace']);
    expect(home.attributes['exception.message']).toMatch(/^recommendations service failed/);
    expect(homeStack).toMatch(
      new RegExp(
        `at getRecommendations \\(\\S*demo/web/src/api\\.ts:${lineOf('api.ts', 'recommendations service failed')}:\\d+\\)`,
      ),
    );

    // error groups: the same error twice is one group, the other error another
    const fp = errors.map((s) => String(s.attributes['exception.fingerprint']));
    expect(fp[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(fp[1]).toBe(fp[0]);
    expect(fp[2]).toMatch(/^[0-9a-f]{16}$/);
    expect(fp[2]).not.toBe(fp[0]);
    // and a group is a span query away
    const group = await jaegerSearch(stack.jaeger.url, {
      service: 'shop-web',
      tags: { 'exception.fingerprint': fp[0]! },
      startMs: started - 60_000,
      endMs: Date.now() + 60_000,
    });
    const groupSessions = new Set(
      group.filter((s) => s.name === 'error').map((s) => s.attributes['session.id']),
    );
    expect(groupSessions).toEqual(new Set([sessions[0], sessions[1]]));
    expect(second.attributes['exception.stacktrace']).toBe(
      first.attributes['exception.stacktrace'],
    );

    // the processor's own counters, on the collector's telemetry endpoint
    const telemetry = await scrape(`http://${stack.collector.telemetryTarget}/metrics`);
    expect(
      telemetry.sum(/^otelcol_processor_sourcemap_frames(_total)?\{.*outcome="symbolicated"/),
    ).toBeGreaterThanOrEqual(6);
  }, 180_000);
});
