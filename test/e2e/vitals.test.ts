import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { named, startE2E, vital, type E2E } from './harness/fixture';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('web vitals and page load in Chromium', () => {
  it('reports LCP, CLS, INP, FCP, TTFB and FID matching what the page measured', async () => {
    const context = await e2e.browser.browser.newContext();
    const page = await context.newPage();
    const TTFB_DELAY = 300;
    const BLOCK = 250;
    await page.goto(`${e2e.pages.url}/pages/vitals.html?ttfbDelay=${TTFB_DELAY}&block=${BLOCK}`);
    await page.waitForFunction(
      () => (document.getElementById('hero') as HTMLImageElement).complete,
    );
    await page.waitForFunction(() => (window as any).__measured.cls > 0);
    await page.waitForTimeout(200);
    await page.click('#slow');
    // web-vitals processes interactions in an idle callback (capped at 1 s); hiding the page
    // sooner can lose the INP report, in web-vitals itself.
    await page.waitForTimeout(1_200);
    const measured = await page.evaluate(() => (window as any).__measured);
    const sessionId = await page.evaluate(() => (window as any).rum.getSessionId());
    // Leave the page for real: the browser fires a trusted visibilitychange (hidden) and pagehide,
    // web-vitals finalises, and the SDK must get the spans out with keepalive as the page unloads.
    await page.goto(`${e2e.pages.url}/pages/bare.html`);

    const spans = await e2e.receiver.waitFor(
      (s) =>
        ['lcp', 'cls', 'inp', 'fcp', 'ttfb', 'fid'].every(
          (n) => vital(s, n, sessionId).length > 0,
        ) && named(s, 'page_load', sessionId).length > 0,
    );

    const [lcp] = vital(spans, 'lcp', sessionId);
    expect(lcp.attributes['browser.web_vital.value']).toBeCloseTo(measured.lcp, 0);
    expect(lcp.attributes['browser.web_vital.value']).toBeGreaterThanOrEqual(700);
    expect(lcp.attributes['browser.web_vital.rating']).toBe('good');
    expect(lcp.attributes['rum.web_vital.attribution.target']).toBe('#hero');
    expect(lcp.attributes['rum.web_vital.attribution.url']).toMatch(/\/hero\.png\?delay=\*$/);
    expect(
      lcp.attributes['rum.web_vital.attribution.resource_load_duration'],
    ).toBeGreaterThanOrEqual(600);
    expect(lcp.attributes['rum.web_vital.repeat']).toBe(false);

    const [cls] = vital(spans, 'cls', sessionId);
    expect(measured.cls).toBeGreaterThan(0.01);
    expect(cls.attributes['browser.web_vital.value']).toBeCloseTo(measured.cls, 4);
    expect(cls.attributes['rum.web_vital.attribution.largest_shift_target']).toBeTruthy();

    const [inp] = vital(spans, 'inp', sessionId);
    const inpValue = inp.attributes['browser.web_vital.value'] as number;
    expect(inpValue).toBeGreaterThanOrEqual(BLOCK);
    expect(inpValue).toBeLessThan(BLOCK + 200);
    expect(inp.attributes['rum.web_vital.attribution.interaction_target']).toBe('#slow');
    expect(inp.attributes['rum.web_vital.attribution.processing_duration']).toBeGreaterThanOrEqual(
      BLOCK - 5,
    );
    expect(inp.attributes['browser.web_vital.rating']).toBe('needs-improvement');

    const [ttfb] = vital(spans, 'ttfb', sessionId);
    expect(ttfb.attributes['browser.web_vital.value']).toBeGreaterThanOrEqual(TTFB_DELAY);
    expect(ttfb.attributes['browser.web_vital.value']).toBeLessThan(TTFB_DELAY + 300);

    const [fcp] = vital(spans, 'fcp', sessionId);
    expect(fcp.attributes['browser.web_vital.value']).toBeGreaterThanOrEqual(TTFB_DELAY);

    const [fid] = vital(spans, 'fid', sessionId);
    expect(fid.attributes['rum.web_vital.deprecated']).toBe(true);

    for (const v of vital(spans, 'lcp').concat(vital(spans, 'cls'), inp, ttfb, fcp)) {
      expect(v.attributes['browser.web_vital.id']).toMatch(/^v\d-/);
      expect(v.attributes['browser.web_vital.navigation_type']).toBe('navigate');
      expect(typeof v.attributes['browser.web_vital.delta']).toBe('number');
    }

    const [load] = named(spans, 'page_load', sessionId);
    expect(load.attributes['rum.timing.ttfb']).toBeGreaterThanOrEqual(TTFB_DELAY);
    expect(load.attributes['rum.timing.load']).toBeGreaterThanOrEqual(700);
    expect(load.attributes['rum.navigation.type']).toBe('navigate');
    expect(load.attributes['rum.page.route']).toBe('/pages/:page');
    expect(load.attributes['rum.page.url']).toBe(
      `${e2e.pages.url}/pages/vitals.html?ttfbDelay=*&block=*`,
    );
    expect(load.attributes['rum.timing.transfer_size']).toBeGreaterThan(0);
    // Vitals are children of the page load's trace: one click from a slow page to its vitals.
    expect(lcp.traceId).toBe(load.traceId);
    expect(lcp.parentSpanId).toBe(load.spanId);

    expect(load.resource['service.name']).toBe('e2e-web');
    expect(load.resource['service.version']).toBe('1.2.3');
    expect(load.resource['deployment.environment.name']).toBe('test');
    expect(load.resource['telemetry.sdk.language']).toBe('webjs');
    expect(load.resource['user_agent.original']).toMatch(/Chrome\//);
    expect(load.attributes['rum.device.class']).toBe('desktop');
    expect(load.attributes['rum.browser.family']).toMatch(/^(chrome|chromium)$/);
    await context.close();
  });
});
