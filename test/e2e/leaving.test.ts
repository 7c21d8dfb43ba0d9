import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './harness/browser';
import { cors, listenLocal } from './harness/receiver';

/**
 * Why the sender takes a request still in flight as its page leaves as delivered (see the
 * sender's `done`): what a leaving page hears about its keepalive fetches is not the server's
 * answer. Chromium rejects them on the page's side while it still delivers them.
 */
let browser: LaunchedBrowser;
let collector: Server;
let site: Server;
/** Request ids the collector accepted (it answers a little later). */
const accepted = new Set<string>();

beforeAll(async () => {
  collector = createServer((req, res) => {
    cors(req, res);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    req.resume();
    req.on('end', () => {
      accepted.add(id);
      setTimeout(() => res.writeHead(200).end('{}'), 50);
    });
  });
  site = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>p</title>');
  });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  collector?.close();
  site?.close();
});

describe('a page that navigates away', () => {
  it('hears its keepalive requests fail although the collector accepted them', async () => {
    const collectorUrl = await listenLocal(collector);
    const siteUrl = await listenLocal(site);
    const page = await browser.browser.newPage();
    for (let i = 0; i < 20; i++) {
      await page.goto(`${siteUrl}/a?${i}`);
      await page.evaluate(
        ([url, id]) => {
          const note = (what: string): void =>
            localStorage.setItem(`heard:${id}`, what + ((window as any).__left ? ' (left)' : ''));
          addEventListener('pagehide', () => ((window as any).__left = true));
          fetch(url!, {
            method: 'POST',
            keepalive: true,
            body: '{}',
            headers: { 'Content-Type': 'application/json' },
          }).then(
            (r) => note(`ok ${r.status}`),
            () => note('failed'),
          );
        },
        [`${collectorUrl}/v1/traces?id=r${i}`, `r${i}`],
      );
      await page.goto(`${siteUrl}/b?${i}`);
    }
    await page.waitForTimeout(500);
    const heard: Record<string, string> = await page.evaluate(() =>
      Object.fromEntries(
        Object.keys(localStorage)
          .filter((k) => k.startsWith('heard:'))
          .map((k) => [k.slice(6), localStorage.getItem(k)!]),
      ),
    );
    const failedButAccepted = Object.entries(heard).filter(
      ([id, what]) => what.startsWith('failed') && accepted.has(id),
    );
    console.log(
      `[leaving] 20 keepalive requests, each followed at once by a navigation: accepted by the collector ${accepted.size}; ` +
        `the page heard ${JSON.stringify(heard)}`,
    );
    // every request arrived, and the page heard "failed" for some of them while it was leaving
    expect(accepted.size).toBe(20);
    expect(failedButAccepted.length).toBeGreaterThan(0);
    expect(failedButAccepted.every(([, what]) => what.endsWith('(left)'))).toBe(true);
  }, 60_000);
});
