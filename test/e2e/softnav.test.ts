import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { named, startE2E, vital, walkSoftRoutes, type E2E } from './harness/fixture';

/**
 * Soft navigations (Chromium's Soft Navigations API): each SPA route gets its own LCP and INP,
 * with the route's template and its route_change span as parent. Firefox and WebKit have no
 * `soft-navigation` entries; there only the document's vitals are reported (engines tests).
 */
let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
}, 60_000);
afterAll(async () => {
  await e2e?.close();
});

interface Soft {
  navs: { url: string; start: number; interactionId: number; navigationId: number }[];
  paints: { interactionId: number; start: number; render: number }[];
  events: { interactionId: number; start: number; duration: number; target: string }[];
}

describe('soft navigations (Chromium)', () => {
  it('reports LCP and INP per route, as the browser measured them, under its route change', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${e2e.pages.url}/soft/home`);
    const supported = await page.evaluate(() =>
      PerformanceObserver.supportedEntryTypes.includes('soft-navigation'),
    );
    expect(supported, 'this Chromium has the Soft Navigations API').toBe(true);
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    await walkSoftRoutes(page);
    const soft = (await page.evaluate(() => (window as any).__soft)) as Soft;
    await page.goto(`${e2e.pages.url}/pages/bare.html`);

    const isSoft = (s: { attributes: Record<string, unknown> }) =>
      s.attributes['browser.web_vital.navigation_type'] === 'soft-navigation';
    const spans = await e2e.receiver.waitFor(
      (s) =>
        vital(s, 'lcp', sessionId).filter(isSoft).length >= 2 &&
        vital(s, 'inp', sessionId).filter(isSoft).length >= 2,
    );
    const changes = named(spans, 'route_change', sessionId);
    expect(soft.navs.map((n) => new URL(n.url).pathname)).toEqual(['/soft/a', '/soft/b']);

    for (const [i, route] of ['a', 'b'].entries()) {
      const nav = soft.navs[i];
      const template = `/soft/${route}`;
      const change = changes.find((s) => s.attributes['rum.page.route'] === template)!;
      expect(change, `route_change for ${template}`).toBeTruthy();
      const ofRoute = (name: string) =>
        vital(spans, name, sessionId).filter(
          (s) => isSoft(s) && s.attributes['rum.page.route'] === template,
        );

      // LCP: the route's largest paint after the click that navigated, from that click
      const [lcp] = ofRoute('lcp');
      expect(lcp, `soft LCP for ${template}`).toBeTruthy();
      const paints = soft.paints.filter((p) => p.interactionId === nav.interactionId && p.render);
      const browserLcp = Math.max(...paints.map((p) => p.render - p.start));
      expect(browserLcp).toBeGreaterThan(route === 'a' ? 500 : 800);
      expect(
        Math.abs((lcp.attributes['browser.web_vital.value'] as number) - browserLcp),
      ).toBeLessThanOrEqual(5);
      expect(lcp.attributes['rum.page.view_id']).toBe(change.attributes['rum.page.view_id']);
      expect(lcp.parentSpanId).toBe(change.spanId);
      expect(lcp.traceId).toBe(change.traceId);

      // INP: the slow click on this route, as Event Timing measured it
      const [inp] = ofRoute('inp');
      expect(inp, `soft INP for ${template}`).toBeTruthy();
      const next = soft.navs[i + 1]?.start ?? Infinity;
      const slow = soft.events.filter(
        (e) => e.target === 'slow' && e.start > nav.start && e.start < next,
      );
      const browserInp = Math.max(...slow.map((e) => e.duration));
      expect(browserInp).toBeGreaterThanOrEqual(300);
      expect(
        Math.abs((inp.attributes['browser.web_vital.value'] as number) - browserInp),
      ).toBeLessThanOrEqual(8);
      expect(inp.attributes['rum.page.view_id']).toBe(change.attributes['rum.page.view_id']);
      expect(inp.parentSpanId).toBe(change.spanId);
      // counted once each
      for (const v of [...ofRoute('lcp'), ...ofRoute('inp')]) {
        expect(v.attributes['rum.web_vital.repeat']).toBe(false);
      }
    }
    // the document's own LCP stays the hard navigation's, on the first route
    const hard = vital(spans, 'lcp', sessionId).filter((s) => !isSoft(s));
    expect(hard.map((s) => s.attributes['rum.page.route'])).toEqual(['/soft/home']);
    await context.close();
  }, 60_000);
});
