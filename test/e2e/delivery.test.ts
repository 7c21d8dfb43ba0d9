import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { LaunchedBrowser } from './harness/browser';
import type { Fault, FaultProxy } from './harness/fault-proxy';
import { relayRows } from './harness/relay-store';
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

interface Outcome {
  created: number;
  missing: string[];
  neverRefused: string[];
  duplicated: number;
  droppedByBound: number;
}

/**
 * `views` scripted page views in 4 browser profiles through the fault proxy: drops, 503 and 429
 * with Retry-After, stalls, the collector away for 15% of the run, offline periods, and half the
 * tabs closed right after an interaction. With `relay`, each profile runs the relay service worker
 * (registered by a first visit that waits until the worker controls it, like a returning user).
 */
async function deliver(views: number, relay: boolean, seed: number): Promise<Outcome> {
  receiver.clear();
  proxy.refusedSpanIds.clear();
  proxy.unforwardedSpanIds.clear();
  proxy.seen.clear();
  for (const k of Object.keys(proxy.stats)) proxy.stats[k as Fault] = 0;
  const random = rng(seed);
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
  const query = relay ? '&sw' : '';
  const contexts = await Promise.all(
    Array.from({ length: WORKERS }, () => browser.browser.newContext()),
  );
  if (relay) {
    await Promise.all(
      contexts.map(async (context) => {
        const page = await context.newPage();
        await page.goto(`${pages.url}/pages/delivery.html?view=first${query}`);
        // a returning user: the worker answered, and this first page has nothing in flight
        await page.waitForFunction(() => !!localStorage.getItem('otel_rum_relay'), null, {
          timeout: 10_000,
        });
        await page.evaluate(() => (window as any).rum.flush());
        await page.close();
      }),
    );
  }
  let viewsDone = 0;
  const script = { downAt: Math.floor(views * 0.3), upAt: Math.floor(views * 0.45) };
  const closedTabs = { count: 0 };

  async function worker(w: number): Promise<void> {
    const context = contexts[w];
    let page: Page = await context.newPage();
    for (let i = w; i < views; i += WORKERS) {
      // the collector goes away for a while, then comes back
      if (viewsDone === script.downAt) proxy.down();
      if (viewsDone === script.upAt) proxy.up();
      viewsDone++;
      await page.goto(`${pages.url}/pages/delivery.html?view=${i}${query}`).catch(() => undefined);
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
      await page.goto(`${pages.url}/pages/delivery.html?view=final${query}`);
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
  const neverRefused = missing.filter((id) => !proxy.refusedSpanIds.has(id));
  if (missing.length && (relay || neverRefused.length)) {
    console.log(
      '[delivery] missing:',
      missing.map(
        (id) =>
          `${id}${proxy.unforwardedSpanIds.has(id) ? ' (lost by the proxy)' : ''} proxy saw: ${proxy.seen.get(id)?.join(',') ?? 'never'}`,
      ),
    );
    for (const context of contexts) console.log(await whereAre(context, missing));
  } else if (process.env.DELIVERY_DEBUG) {
    for (const context of contexts) console.log(await whereAre(context, []));
  }
  const seen = new Map<string, number>();
  for (const s of receiver.spans) seen.set(s.spanId, (seen.get(s.spanId) ?? 0) + 1);
  const duplicated = [...seen.values()].filter((n) => n > 1).length;
  if (duplicated) {
    const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    console.log(
      '[delivery] received more than once:',
      twice.map((id) => {
        const span = receiver.spans.find((s) => s.spanId === id)!;
        return `${span.name} ${span.attributes['rum.page.url']} proxy saw: ${proxy.seen.get(id)?.join(',')}`;
      }),
    );
    for (const context of contexts) console.log(await whereAre(context, twice));
  }
  const droppedByBound = receiver.spans
    .filter((s) => s.name === 'outbox_overflow')
    .reduce((n, s) => n + Number(s.attributes['rum.outbox.dropped_spans']), 0);
  const refusedThenDelivered = [...proxy.refusedSpanIds].filter((id) => seen.has(id)).length;
  console.log(
    `[delivery${relay ? ', relay worker' : ''}] page views ${views} (tabs closed right after an interaction: ${closedTabs.count}); ` +
      `created ${created.size} / received ${seen.size} / duplicated ${duplicated} / missing ${missing.length} ` +
      `(refused by the proxy as their tab died: ${missing.length - neverRefused.length}) / dropped-by-bound ${droppedByBound}; ` +
      `spans refused once then retried and delivered ${refusedThenDelivered}; ` +
      `faults ${JSON.stringify(proxy.stats)}; lost by the test proxy ${proxy.unforwardedSpanIds.size}; requests ${receiver.requests.length}; undecodable ${receiver.rejected ?? 0}`,
  );
  await Promise.all(contexts.map((c) => c.close()));
  return { created: created.size, missing, neverRefused, duplicated, droppedByBound };
}

/** Where the SDK last had these spans: what they were, and any outbox or relay worker holding them. */
async function whereAre(context: BrowserContext, ids: string[]): Promise<unknown> {
  const page = await context.newPage();
  await page.goto(`${pages.url}/pages/bare.html`);
  const { notes, posted } = await page.evaluate((ids) => {
    const notes: Record<string, string[]> = {};
    const posted: Record<string, string> = {};
    const note = (id: string, where: string) => (notes[id] ??= []).push(where);
    for (const id of ids) {
      const what = localStorage.getItem(`e2e_span:${id}`);
      if (what) {
        note(id, `created: ${what}`);
        const view = /view=([^&\s]+)/.exec(what)?.[1];
        note(
          id,
          `its page closed: ${localStorage.getItem(`e2e_closed:${view}`) ?? 'not through pagehide'}`,
        );
      }
      const batch = localStorage.getItem(`e2e_posted:${id}`);
      if (batch) {
        posted[id] = batch;
        note(id, `handed to the worker in batch ${batch}`);
      }
      const fetched = localStorage.getItem(`e2e_fetched:${id}`);
      if (fetched) note(id, `sent by the page itself: ${fetched}`);
      const dbg = localStorage.getItem(`e2e_dbg:${id}`);
      if (dbg) note(id, `sender: ${dbg}`);
    }
    const keys = Object.keys(localStorage);
    const states: Record<string, number> = {};
    for (const key of keys.filter((k) => k.startsWith('otel_rum_outbox:'))) {
      const value = localStorage.getItem(key)!;
      const meta = value.slice(0, value.indexOf('\n'));
      const state = JSON.parse(meta).state as string;
      states[state] = (states[state] ?? 0) + 1;
      for (const id of ids) if (value.includes(id)) note(id, `outbox ${meta}`);
    }
    note(
      'storage',
      `${keys.length} keys, ${keys.reduce((n, k) => n + k.length + localStorage.getItem(k)!.length, 0)} chars; outbox ${JSON.stringify(states)}`,
    );
    return { notes, posted };
  }, ids);
  const rows = await page.evaluate(relayRows);
  await page.close();
  const note = (id: string, where: string) => (notes[id] ??= []).push(where);
  for (const row of rows) {
    if (row.state === 'done' && row.outcome !== 200)
      note('relay', `batch ${row.id} ended with ${row.outcome}`);
    for (const id of ids) {
      if (row.body.includes(id)) note(id, `relay worker ${row.id} ${row.state}`);
      if (posted[id]?.startsWith(row.id))
        note(id, `worker row ${row.id} ${row.state} ${row.outcome}`);
    }
  }
  if (rows.length) {
    const summary = JSON.stringify(rows.map((r) => [r.id, r.state, r.body.length]));
    note('relay', `${rows.length} rows: ${summary}`.slice(0, 600));
  }
  return notes;
}

describe('delivery under faults', () => {
  it(`with the relay service worker: every span of ${VIEWS} page views arrives exactly once`, async () => {
    const outcome = await deliver(VIEWS, true, 20261130);
    expect(outcome.created).toBeGreaterThan(VIEWS * 4);
    expect(outcome.duplicated).toBe(0);
    expect(outcome.droppedByBound).toBe(0);
    expect(outcome.missing).toEqual([]);
  }, 480_000);

  it(`without it: nothing twice, and only a closing tab's refused last request is lost`, async () => {
    const views = Math.ceil(VIEWS / 2);
    const outcome = await deliver(views, false, 20261201);
    expect(outcome.created).toBeGreaterThan(views * 4);
    expect(outcome.duplicated).toBe(0);
    expect(outcome.droppedByBound).toBe(0);
    // A tab that is closing gets one try: its final keepalive request outlives it, but nothing is
    // left to read the answer or retry. The page treats that request as delivered (resending it
    // from the next page could duplicate a batch the collector accepted), so the only spans that
    // may be missing are those whose one request the collector refused while its tab was dying.
    expect(outcome.neverRefused).toEqual([]);
  }, 480_000);
});
