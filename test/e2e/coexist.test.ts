import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from './harness/demo';
import { named, startE2E, type E2E } from './harness/fixture';
import type { ReceivedSpan } from './harness/receiver';

/**
 * A team that already runs OpenTelemetry in the browser adds otel-rum: its own setup
 * (sdk-trace-web, fetch instrumentation, OTLP exporter, registered globally) runs before or
 * after initRum on the same page. Nothing may break: no console error, both sets of spans
 * arrive, our click -> fetch parenting holds, and the one traceparent the API receives belongs
 * to the trace both fetch spans are in.
 */
let e2e: E2E;
let demo: DemoServer;
beforeAll(async () => {
  e2e = await startE2E();
  demo = await startDemo({
    collector: e2e.receiver.url,
    webRoot: join(import.meta.dirname, 'pages'),
  });
  const out = join(mkdtempSync(join(tmpdir(), 'otel-rum-app-otel-')), 'app-otel.js');
  await build({
    entryPoints: [join(import.meta.dirname, 'app-otel', 'setup.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    outfile: out,
    logLevel: 'silent',
  });
  e2e.pages.serveScript('/app-otel.js', out);
}, 60_000);
afterAll(async () => {
  await demo?.stop();
  await e2e?.close();
});

const ancestors = (spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] => {
  const out: ReceivedSpan[] = [];
  for (let s = span; s.parentSpanId;) {
    const parent = spans.find((p) => p.spanId === s.parentSpanId);
    if (!parent) break;
    out.push(parent);
    s = parent;
  }
  return out;
};

describe("beside the app's own OpenTelemetry web setup", () => {
  for (const order of ['app-first', 'rum-first']) {
    it(`works with the app's setup ${order === 'app-first' ? 'before' : 'after'} initRum`, async () => {
      e2e.receiver.clear();
      const context = await e2e.browser.browser.newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(
        `${e2e.pages.url}/pages/coexist.html?order=${order}&api=${encodeURIComponent(demo.api)}`,
      );
      const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
      await page.click('#load');
      await page.waitForFunction(() => (window as any).result);
      const traceparent = await page.evaluate(() => (window as any).result.traceparent);
      await page.evaluate(() => (window as any).appProvider.forceFlush());
      await page.evaluate(() => (window as any).rum.flush());

      const isEcho = (s: ReceivedSpan) =>
        s.kind === 3 && String(s.attributes['url.full']).includes('/api/echo-headers');
      const spans = await e2e.receiver.waitFor(
        (s) =>
          s.some((x) => isEcho(x) && x.resource['service.name'] === 'app-own-otel') &&
          s.some((x) => isEcho(x) && x.attributes['session.id'] === sessionId) &&
          named(s, 'click', sessionId).length > 0,
      );
      const ours = spans.find((x) => isEcho(x) && x.attributes['session.id'] === sessionId)!;
      const theirs = spans.find((x) => isEcho(x) && x.resource['service.name'] === 'app-own-otel')!;
      const [click] = named(spans, 'click', sessionId);

      // one traceparent went out, of one of the two fetch spans, and both are in its trace
      const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent)!;
      expect([ours.spanId, theirs.spanId]).toContain(spanId);
      expect(ours.traceId).toBe(traceId);
      expect(theirs.traceId).toBe(traceId);
      // our click -> fetch parenting holds (through the app's span when it wraps ours)
      expect(click.traceId).toBe(traceId);
      expect(ancestors(spans, ours).map((s) => s.spanId)).toContain(click.spanId);
      expect(pageErrors).toEqual([]);
      expect(await page.evaluate(() => (window as any).__consoleErrors)).toEqual([]);
      await context.close();
    });
  }
});
