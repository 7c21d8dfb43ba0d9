import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './browser';
import { startPageServer, type PageServer } from './server';
import { startReceiver, type ReceivedSpan, type Receiver } from './receiver';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

export interface E2E {
  browser: LaunchedBrowser;
  receiver: Receiver;
  pages: PageServer;
  proxy?: FaultProxy;
  close(): Promise<void>;
}

/**
 * Chromium + a test OTLP receiver + the page server, all on 127.0.0.1. With `faults`, the pages
 * send through a fault-injecting proxy in front of the receiver.
 */
export async function startE2E(
  options: { bfcache?: boolean; faults?: boolean } = {},
): Promise<E2E> {
  const receiver = await startReceiver();
  const proxy = options.faults ? await startFaultProxy(receiver.url) : undefined;
  const pages = await startPageServer(proxy?.url ?? receiver.url);
  const browser = await launchChromium(options);
  return {
    browser,
    receiver,
    pages,
    proxy,
    async close() {
      await browser.close();
      await pages.close();
      await proxy?.close();
      await receiver.close();
    },
  };
}

/**
 * Makes the page believe it was hidden, as web-vitals' own tests do, so final values report. The
 * event bubbles, as the browser's own does (listeners on `window` see it).
 */
export async function hidePage(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
}

export async function showPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: false, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
}

export const vital = (spans: ReceivedSpan[], name: string, sessionId?: string): ReceivedSpan[] =>
  spans.filter(
    (s) =>
      s.name === 'web_vital' &&
      s.attributes['browser.web_vital.name'] === name &&
      (sessionId === undefined || s.attributes['session.id'] === sessionId),
  );

export const named = (spans: ReceivedSpan[], name: string, sessionId?: string): ReceivedSpan[] =>
  spans.filter(
    (s) => s.name === name && (sessionId === undefined || s.attributes['session.id'] === sessionId),
  );

/**
 * The four route changes spa.html's script makes (product, cart, an order item, back to the cart),
 * as every engine must report them: templates, where each came from, and the first one's URL.
 */
export function expectSpaRouteChanges(changes: ReceivedSpan[], pagesUrl: string): void {
  expect(changes.map((s) => s.attributes['rum.page.route'])).toEqual([
    '/spa/product/:id',
    '/spa/cart',
    '/spa/orders/:id/items/:id',
    '/spa/cart',
  ]);
  expect(changes.map((s) => s.attributes['rum.route.from'])).toEqual([
    '/spa/home',
    '/spa/product/:id',
    '/spa/cart',
    '/spa/orders/:id/items/:id',
  ]);
  expect(changes[0].attributes['rum.page.url']).toBe(`${pagesUrl}/spa/product/42?color=*&email=*`);
}

/**
 * softnav.html's two soft navigations, as a user makes them: to route a, then b, each with its
 * late hero image loaded and a slow (300 ms) click. web-vitals takes interactions in an idle
 * callback (at most 1 s later): a route left sooner can have its INP counted from an earlier
 * value (see the README's Limitations), so each route is left 1.5 s after its click.
 */
export async function walkSoftRoutes(page: Page): Promise<void> {
  for (const route of ['a', 'b']) {
    await page.click(`#to-${route}`);
    await page.waitForFunction(
      (r) => (document.getElementById(`hero-${r}`) as HTMLImageElement | null)?.complete,
      route,
    );
    await page.waitForTimeout(300);
    await page.click('#slow');
    await page.waitForTimeout(1_500);
  }
}
