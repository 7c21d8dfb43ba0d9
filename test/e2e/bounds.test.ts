import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchedBrowser } from './harness/browser';
import type { FaultProxy } from './harness/fault-proxy';
import { startE2E, type E2E } from './harness/fixture';
import type { Receiver } from './harness/receiver';
import type { PageServer } from './harness/server';

const OUTBOX_MAX = 60_000;
let e2e: E2E;
let receiver: Receiver;
let proxy: FaultProxy;
let pages: PageServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  e2e = await startE2E({ faults: true });
  ({ receiver, pages, browser } = e2e);
  proxy = e2e.proxy!;
});
afterAll(async () => {
  await e2e?.close();
});

describe('bounds while the collector is down', () => {
  it('keeps storage and memory within bounds, blocks no frame, and accounts for what it dropped', async () => {
    proxy.down();
    const context = await browser.browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const outboxChars = () =>
      page.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('otel_rum_outbox:'))
          .reduce((n, k) => n + localStorage.getItem(k)!.length, 0),
      );
    const samples: { outbox: number; heapMB: number }[] = [];
    for (let load = 0; load < 6; load++) {
      await page.goto(`${pages.url}/pages/bounds.html?load=${load}`);
      // a busy page: 400 custom events with some payload, in bursts
      for (let burst = 0; burst < 8; burst++) {
        await page.evaluate(() => {
          for (let i = 0; i < 50; i++)
            (window as any).rum.trackEvent('busy', { payload: 'x'.repeat(200), i });
        });
        await page.waitForTimeout(120);
      }
      await page.waitForTimeout(300);
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      samples.push({ outbox: await outboxChars(), heapMB: usedSize / 2 ** 20 });
      expect(await page.evaluate(() => (window as any).__sdkLongScripts)).toEqual([]);
    }
    console.log(
      `[bounds] per page load while down: ${JSON.stringify(samples.map((s) => `${s.outbox} chars, ${s.heapMB.toFixed(1)} MB heap`))}`,
    );
    for (const s of samples) {
      expect(s.outbox).toBeLessThanOrEqual(OUTBOX_MAX);
      expect(s.heapMB).toBeLessThan(30);
    }
    expect(receiver.spans).toHaveLength(0);

    // The collector comes back: the next page sends what the outbox kept, and says what it dropped.
    proxy.up();
    await page.goto(`${pages.url}/pages/bounds.html?load=back`);
    const created = async () =>
      page.evaluate(() =>
        Object.keys(localStorage)
          .filter((k) => k.startsWith('e2e_created:'))
          .flatMap((k) => JSON.parse(localStorage.getItem(k)!) as string[]),
      );
    await receiver.waitFor((s) => s.some((x) => x.name === 'outbox_overflow'), 30_000);
    // every overflow report counts (a later one covers drops made after the first was sent)
    const droppedSoFar = (key: string) =>
      receiver.spans
        .filter((s) => s.name === 'outbox_overflow')
        .reduce((n, s) => n + Number(s.attributes[key]), 0);
    // the new page waits out the backoff every tab learned during the outage, then delivers
    let createdIds: string[];
    let receivedOfCreated: number;
    let dropped: number;
    const deadline = Date.now() + 120_000;
    do {
      await page.evaluate(() => (window as any).rum.flush());
      createdIds = await created();
      const received = new Set(receiver.spans.map((s) => s.spanId));
      receivedOfCreated = createdIds.filter((id) => received.has(id)).length;
      dropped = droppedSoFar('rum.outbox.dropped_spans');
      if (receivedOfCreated + dropped >= createdIds.length) break;
      await page.waitForTimeout(1_000);
    } while (Date.now() < deadline);
    console.log(
      `[bounds] created ${createdIds.length}, received ${receivedOfCreated}, reported dropped by the bound ${dropped} ` +
        `(${droppedSoFar('rum.outbox.dropped_batches')} batches)`,
    );
    expect(dropped).toBeGreaterThan(0);
    // every span is either delivered or counted as dropped: nothing vanishes silently
    expect(receivedOfCreated + dropped).toBe(createdIds.length);
    await context.close();
  }, 240_000);
});
