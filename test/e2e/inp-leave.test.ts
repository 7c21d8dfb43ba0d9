import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hidePage, startE2E, vital, type E2E } from './harness/fixture';
import type { ReceivedSpan } from './harness/receiver';

/**
 * The slow interaction just before leaving is the one users most need to see. A 300 ms click,
 * then the page left 100-600 ms later by each path a user takes; INP must arrive for (nearly)
 * every page view, equal to the browser's own Event Timing duration, and counted once.
 */
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);
afterAll(async () => {
  await e2e?.close();
});

const RUNS = 20;
const BLOCK = 300;

type Leave = (page: Page, browser: Browser) => Promise<unknown>;
const paths: Record<string, Leave> = {
  link: (page) =>
    Promise.all([page.waitForURL('**/other.html'), page.click('#next', { noWaitAfter: true })]),
  location: (page) =>
    Promise.all([
      page.waitForURL('**/other.html'),
      page.evaluate(() => {
        setTimeout(() => (location.href = '/pages/other.html'));
      }),
    ]),
  'tab close': (page) => page.close(),
  // Headless Chromium never hides a tab by itself: the page is told it is hidden, as web-vitals'
  // own tests do, and stays open.
  'tab hidden': (page) => hidePage(page),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const step = <T>(name: string, work: Promise<T>): Promise<T> =>
  Promise.race([
    work,
    sleep(10_000).then(() => Promise.reject(new Error(`${name} took over 10 s`))),
  ]);

interface Measured {
  sessionId: string;
  durations: Record<string, number>;
}

describe('INP when the user leaves right after a slow click (Chromium)', () => {
  for (const [path, leave] of Object.entries(paths)) {
    it(`arrives, equal to the browser's own measure, when the page is left by ${path}`, async () => {
      const sessions: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await e2e.browser.browser.newContext();
        const page = await context.newPage();
        await step('load', page.goto(`${e2e.pages.url}/pages/leave.html?block=${BLOCK}`));
        sessions.push(await page.evaluate(() => (window as any).rum.getSessionId() as string));
        await step('click', page.click('#slow'));
        await sleep(100 + ((i * 26) % 500));
        await step('leave', leave(page, e2e.browser.browser));
        // let a navigation or close run its unload before the context goes
        await sleep(path === 'tab hidden' ? 300 : 100);
        await step('close', context.close());
      }
      const inpOf = (spans: ReceivedSpan[], id: string) =>
        vital(spans, 'inp', id).filter((s) => s.attributes['rum.web_vital.repeat'] === false);
      const spans = await e2e.receiver
        .waitFor((s) => sessions.every((id) => inpOf(s, id).length > 0), 8_000)
        .catch(() => e2e.receiver.spans);
      const measured = new Map(
        (e2e.pages.measured as Measured[]).map((m) => [m.sessionId, m.durations]),
      );
      let arrived = 0;
      const wrong: string[] = [];
      for (const id of sessions) {
        const counted = inpOf(spans, id);
        if (!counted.length) continue;
        arrived++;
        // INP of a page with a few interactions is the longest (a link click is one too)
        const longest = Math.max(...Object.values(measured.get(id) ?? {}));
        const value = counted[0].attributes['browser.web_vital.value'] as number;
        // one counted report per page view and metric: the histograms count it once
        if (counted.length > 1 || value < BLOCK || !(Math.abs(value - longest) <= 8)) {
          wrong.push(`${counted.length} counted, INP ${value}, Event Timing ${longest}`);
        }
      }
      console.log(`left by ${path}: INP arrived for ${arrived} of ${RUNS} page views`);
      expect(wrong).toEqual([]);
      expect(arrived, `INP arrived for ${arrived} of ${RUNS} page views`).toBeGreaterThanOrEqual(
        RUNS - 1,
      );
    }, 120_000);
  }
});
