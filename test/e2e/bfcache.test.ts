import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { named, startE2E, vital, type E2E } from './harness/fixture';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ bfcache: true });
});
afterAll(async () => {
  await e2e?.close();
});

describe('back/forward navigation', () => {
  it('reports a back/forward cache restore as a new page view with fresh vitals', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.pages.url}/pages/vitals.html`);
    await page.evaluate(() => ((window as any).__marker = 'same document'));
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await e2e.receiver.waitFor((s) => named(s, 'page_load', sessionId).length === 1);
    await page.waitForTimeout(1_200);
    await page.click('#next');
    await page.waitForURL(/other\.html/);
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => document.readyState === 'complete');
    // the page came back from the cache, not from the network: our SDK does not block bfcache
    expect(await page.evaluate(() => (window as any).__marker)).toBe('same document');

    const spans = await e2e.receiver.waitFor(
      (s) =>
        named(s, 'page_load', sessionId).some(
          (p) => p.attributes['rum.navigation.bfcache_restore'] === true,
        ) &&
        vital(s, 'fcp', sessionId).some(
          (v) => v.attributes['browser.web_vital.navigation_type'] === 'back-forward-cache',
        ),
    );
    const loads = named(spans, 'page_load', sessionId).filter((p) =>
      String(p.attributes['rum.page.url']).includes('vitals'),
    );
    const [first] = loads.filter((p) => p.attributes['rum.navigation.bfcache_restore'] === false);
    const restore = loads.find((p) => p.attributes['rum.navigation.bfcache_restore'] === true)!;
    expect(first.attributes['rum.navigation.type']).toBe('navigate');
    expect(restore.attributes['rum.navigation.type']).toBe('back_forward');
    expect(restore.attributes['rum.page.view_id']).not.toBe(first.attributes['rum.page.view_id']);
    expect(restore.traceId).not.toBe(first.traceId);
    // web-vitals starts new metrics for the restore; they belong to the restored view's trace
    const restoredFcp = vital(spans, 'fcp', sessionId).find(
      (v) => v.attributes['browser.web_vital.navigation_type'] === 'back-forward-cache',
    )!;
    expect(restoredFcp.attributes['rum.web_vital.repeat']).toBe(false);
    expect(restoredFcp.attributes['rum.page.view_id']).toBe(restore.attributes['rum.page.view_id']);
    expect(restoredFcp.traceId).toBe(restore.traceId);
    // the page in between had its own page load in the same session
    expect(
      named(spans, 'page_load', sessionId).some((p) =>
        String(p.attributes['rum.page.url']).includes('other'),
      ),
    ).toBe(true);
    await context.close();
  });
});
