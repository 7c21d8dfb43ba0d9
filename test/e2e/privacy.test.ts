import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { named, startE2E, type E2E } from './harness/fixture';
import { relayRows } from './harness/relay-store';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
beforeEach(() => {
  e2e.receiver.clear();
  e2e.receiver.respondWith = undefined;
});

/** What must never leave the page, in any form it could take there. */
const CORPUS = [
  'jane.doe@example.com',
  'jane.doe%40example.com',
  '4111 1111 1111 1111',
  '4111111111111111',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  'sk_live_51HxZaQ2eZvKYlo2C0123456789',
  '550e8400-e29b-41d4-a716-446655440000',
];

const storageKeys = () => Object.keys(localStorage).filter((k) => k.startsWith('otel_rum'));

describe('privacy by default', () => {
  it('sends none of a PII corpus found in URLs, messages, stacks and resources', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${e2e.pages.url}/pages/pii.html?email=jane.doe@example.com&ref=4111111111111111#jwt=abc`,
      {
        referer: `${e2e.pages.url}/login?user=jane.doe@example.com`,
      },
    );
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await page.click('#go');
    await page.fill('#card', '4111 1111 1111 1111');
    await page.waitForTimeout(500);
    await page.goto(`${e2e.pages.url}/pages/bare.html`); // unload: everything final is sent
    await e2e.receiver.waitFor(
      (s) =>
        named(s, 'error', sessionId).length >= 4 &&
        named(s, 'route_change', sessionId).length === 1,
    );
    const everything = e2e.receiver.requests.map((r) => r.text).join('\n');
    const leaks = CORPUS.filter((secret) => everything.includes(secret));
    console.log(
      `[privacy] ${e2e.receiver.requests.length} requests, ${everything.length} bytes searched, leaks: ${JSON.stringify(leaks)}`,
    );
    for (const secret of leaks)
      console.log(
        `[privacy] leak ${secret}:`,
        everything.slice(
          Math.max(0, everything.indexOf(secret) - 200),
          everything.indexOf(secret) + 60,
        ),
      );
    expect(leaks).toEqual([]);
    // and the data is still useful: routes, URLs and messages survive in redacted form
    const [route] = named(e2e.receiver.spans, 'route_change', sessionId);
    expect(route.attributes['rum.page.route']).toBe('/users/:id/cards/:id');
    expect(route.attributes['rum.page.url']).toBe(
      `${e2e.pages.url}/users/[email]/cards/[card]?session=*`,
    );
    const messages = named(e2e.receiver.spans, 'error', sessionId).map(
      (s) => s.attributes['exception.message'],
    );
    expect(messages).toContain(
      'payment failed for [email] with card [card], Authorization: Bearer [token]',
    );
    await context.close();
  });
});

describe('consent', () => {
  it('pending keeps data in memory only; granted sends what was held', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${e2e.pages.url}/pages/init.html?opts=${encodeURIComponent(JSON.stringify({ consent: 'pending' }))}`,
    );
    await page.evaluate(() => (window as any).rum.trackEvent('before_consent'));
    await page.click('#btn');
    await page.waitForTimeout(1_000);
    expect(e2e.receiver.requests).toHaveLength(0);
    expect(await page.evaluate(storageKeys)).toEqual([]);
    await page.evaluate(() => (window as any).rum.setConsent('granted'));
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    const spans = await e2e.receiver.waitFor(
      (s) => named(s, 'custom_event', sessionId).length === 1,
    );
    expect(named(spans, 'custom_event', sessionId)[0].attributes['rum.event.name']).toBe(
      'before_consent',
    );
    expect(named(spans, 'page_load', sessionId)).toHaveLength(1);
    expect(await page.evaluate(storageKeys)).toContain('otel_rum_session');
    await context.close();
  });

  it('denied sends and stores nothing; withdrawing consent stops sending and clears storage', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${e2e.pages.url}/pages/init.html?opts=${encodeURIComponent(JSON.stringify({ consent: 'denied' }))}`,
    );
    await page.evaluate(() => (window as any).rum.trackEvent('denied'));
    await page.waitForTimeout(800);
    expect(e2e.receiver.requests).toHaveLength(0);
    expect(await page.evaluate(storageKeys)).toEqual([]);

    await page.goto(`${e2e.pages.url}/pages/init.html`);
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await e2e.receiver.waitFor((s) => named(s, 'page_load', sessionId).length === 1);
    expect(await page.evaluate(storageKeys)).toContain('otel_rum_session');
    await page.evaluate(() => (window as any).rum.setConsent('denied'));
    expect(await page.evaluate(storageKeys)).toEqual([]);
    const before = e2e.receiver.spans.length;
    await page.evaluate(() => (window as any).rum.trackEvent('after_withdrawal'));
    await page.click('#btn');
    await page.goto(`${e2e.pages.url}/pages/bare.html`);
    await page.waitForTimeout(800);
    expect(e2e.receiver.spans.length).toBe(before);
    await context.close();
  });

  it('withdrawn on a later page that started pending: forgets what every page stored', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    const url = (consent: string) =>
      `${e2e.pages.url}/pages/init.html?opts=${encodeURIComponent(
        JSON.stringify({ consent, serviceWorker: '/otel-rum-sw.js' }),
      )}`;
    // page 1, consent granted: the collector fails, so batches wait in the outbox and the worker
    await page.goto(url('granted'));
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    // The collector refuses everything in this test; it notes what it was sent, and when
    const sentBefore = new Set<string>();
    const afterDenial: { body: string; at: number }[] = [];
    let denied = false;
    e2e.receiver.respondWith = (_req, res, body) => {
      if (denied) afterDenial.push({ body, at: Date.now() });
      else sentBefore.add(body);
      res.writeHead(503).end();
      return true;
    };
    for (const name of ['first', 'second']) {
      await page.evaluate((n) => (window as any).rum.trackEvent(n), name);
      await page.evaluate(() => (window as any).rum.flush());
    }
    await page.goto(`${e2e.pages.url}/pages/bare.html`);
    // page 2 does not know the user's choice yet: it neither sends nor deletes
    await page.goto(url('pending'));
    await page.waitForTimeout(500);
    const stored = await page.evaluate(storageKeys);
    expect(stored).toContain('otel_rum_session');
    expect(stored.filter((k) => k.startsWith('otel_rum_outbox:')).length).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(relayRows)).not.toEqual([]);

    expect(sentBefore.size).toBeGreaterThan(0);
    denied = true;
    await page.evaluate(() => (window as any).rum.setConsent('denied'));
    const everyKey = () =>
      [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) =>
        k.startsWith('otel_rum'),
      );
    expect(await page.evaluate(everyKey)).toEqual([]);
    await expect.poll(() => page.evaluate(relayRows)).toEqual([]);
    const emptiedAt = Date.now();
    // activity and the API after denial write nothing, and nothing is sent
    await page.mouse.wheel(0, 200);
    await page.keyboard.press('Tab');
    await page.evaluate(() => (window as any).rum.trackEvent('after_denial'));
    expect(await page.evaluate(() => (window as any).rum.getSessionId())).toBe('');
    await page.goto(`${e2e.pages.url}/pages/bare.html`);
    await page.waitForTimeout(2_500); // past the worker's first backoff
    expect(await page.evaluate(everyKey)).toEqual([]);
    // A retry the worker had in flight when the user chose may still arrive, but only as a copy
    // of a batch it had sent (and been refused) before: nothing new, nothing from an empty worker.
    for (const { body, at } of afterDenial) {
      expect(sentBefore.has(body)).toBe(true);
      expect(at).toBeLessThan(emptiedAt + 1_000);
    }
    await context.close();
  });

  it('with the relay worker: nothing registered before consent, and denial clears the worker too', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    const opts = { consent: 'pending', serviceWorker: '/otel-rum-sw.js' };
    await page.goto(
      `${e2e.pages.url}/pages/init.html?opts=${encodeURIComponent(JSON.stringify(opts))}`,
    );
    await page.waitForTimeout(800);
    const relayState = async () => ({
      registered: await page.evaluate(
        async () => !!(await navigator.serviceWorker.getRegistration()),
      ),
      rows: await page.evaluate(relayRows),
    });
    expect(await relayState()).toEqual({ registered: false, rows: [] });
    expect(await page.evaluate(storageKeys)).toEqual([]);

    await page.evaluate(() => (window as any).rum.setConsent('granted'));
    await page.waitForFunction(() => !!localStorage.getItem('otel_rum_relay'));
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await e2e.receiver.waitFor((s) => named(s, 'page_load', sessionId).length === 1);
    // the collector fails: the worker holds the next batch
    e2e.receiver.respondWith = (_req, res) => (res.writeHead(503).end(), true);
    await page.evaluate(() => (window as any).rum.trackEvent('held_by_the_worker'));
    await page.evaluate(() => (window as any).rum.flush());
    await expect
      .poll(async () => (await relayState()).rows.filter((r) => r.state !== 'done').length)
      .toBeGreaterThan(0);
    await page.evaluate(() => (window as any).rum.setConsent('denied'));
    await expect.poll(async () => (await relayState()).rows).toEqual([]);
    expect(await page.evaluate(storageKeys)).toEqual([]);
    e2e.receiver.respondWith = undefined;
    await page.waitForTimeout(2_500); // past the worker's first backoff
    expect(
      e2e.receiver.spans.filter((s) => s.attributes['rum.event.name'] === 'held_by_the_worker'),
    ).toEqual([]);
    await context.close();
  });
});
