// Real-browser traffic for the dashboard test: headless Chromium walks the e2e test pages served
// by the demo server, with the real SDK exporting to the real collector. Each visitor has its
// own browser context (own session), country header and device profile.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { hexId, postJson, tracesPayload, webVital } from '../pipeline/otlp';

export interface Visitor {
  country: string;
  /** Playwright context options: viewport, user agent, touch (a phone makes device class mobile). */
  device: BrowserContextOptions;
}

const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

export const VISITORS: Visitor[] = [
  { country: 'FR', device: { viewport: { width: 1280, height: 800 } } },
  {
    country: 'DE',
    device: {
      viewport: { width: 412, height: 915 },
      userAgent: PHONE_UA,
      isMobile: true,
      hasTouch: true,
    },
  },
];

/** The funnel a shopper walks, as the demo shop reports it: business events by name, and
 * otel-rum/react's `journey_step` events whose step is an attribute. */
export const FUNNEL = [
  ['view_item', 'add_to_cart'],
  ['begin_checkout', 'checkout_completed'],
] as const;

const rum = (page: Page, name: string, attrs?: Record<string, string>) =>
  page.evaluate(([n, a]) => (window as any).rum.trackEvent(n, a), [name, attrs] as const);

/** Leave a page for real (visibilitychange hidden + pagehide): the SDK flushes its final vitals. */
async function leave(page: Page, web: string) {
  await page.goto(`${web}/bare.html`);
  await page.waitForTimeout(300);
}

async function vitalsPage(page: Page, web: string, block: number) {
  await page.goto(`${web}/vitals.html?block=${block}`);
  // the layout shift is scripted at 300 ms
  await page.waitForTimeout(1_000);
  await page.click('#slow');
  await page.waitForTimeout(500);
  await leave(page, web);
}

async function spaPage(page: Page, web: string) {
  await page.goto(`${web}/spa.html`);
  await page.waitForTimeout(300);
  for (const id of ['#to-product', '#to-cart', '#to-order']) {
    await page.click(id);
    await page.waitForTimeout(200);
  }
  await leave(page, web);
}

async function appPage(page: Page, web: string, convert: boolean) {
  await page.goto(`${web}/app.html`);
  await page.waitForTimeout(500);
  await page.click('#load');
  await page.waitForFunction(() => (window as any).results.load === 200, undefined, {
    timeout: 10_000,
  });
  await page.click('#xhr');
  await page.click('#fail');
  await page.waitForFunction(() => (window as any).results.fail !== undefined);
  await page.click('#throw');
  await page.click('#reject');
  await page.click('#slow');
  // the SDK attaches the page's LCP rating to custom events once LCP is known (on input)
  await page.waitForTimeout(300);
  for (const [step, event] of convert ? FUNNEL : FUNNEL.slice(0, 1)) {
    await rum(page, 'journey_step', { 'rum.journey.step': step });
    await rum(page, event);
  }
  await page.waitForTimeout(800);
  await leave(page, web);
}

/** The soft-navigation vitals each visitor's session reports per round (see softNavigations). */
export const SOFT_VITALS: [name: string, value: number, rating: string][] = [
  ['lcp', 1200, 'good'],
  ['inp', 240, 'needs-improvement'],
  ['cls', 0.02, 'good'],
  ['fcp', 900, 'good'],
  ['ttfb', 0, 'good'],
];
/** A route only these vitals use, so no other span can be mistaken for them. */
export const SOFT_ROUTE = '/spa/soft-checkout';

/**
 * Vitals of an SPA route change as Chromium's Soft Navigations API reports them
 * (`navigation_type = soft-navigation`), the shape of the SDK's web_vital spans, posted as OTLP
 * JSON with the visitor's country header. Sent directly rather than by the page: whether this
 * Chromium reports soft navigations is the e2e tests' business (test/e2e/softnav.test.ts); here
 * the dashboards' `navigation` variable needs soft-navigation series that surely exist.
 */
async function softNavigations(collector: string, v: Visitor): Promise<void> {
  const mobile = !!v.device.isMobile;
  const sessionId = hexId(16);
  const spans = SOFT_VITALS.map(([name, value, rating]) =>
    webVital(name, value, rating, {
      'browser.web_vital.navigation_type': 'soft-navigation',
      'rum.web_vital.repeat': false,
      'session.id': sessionId,
      'rum.page.route': SOFT_ROUTE,
      'rum.page.url': `http://127.0.0.1${SOFT_ROUTE}`,
      'rum.device.class': mobile ? 'mobile' : 'desktop',
      'rum.browser.family': 'chromium',
    }),
  );
  const { body } = tracesPayload(spans, {
    'service.name': 'e2e-spa',
    'user_agent.original': v.device.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
  });
  const res = await postJson(collector, body, { 'cf-ipcountry': v.country });
  if (res.status !== 200) throw new Error(`soft-navigation vitals: HTTP ${res.status} ${res.text}`);
}

/**
 * Every visitor walks vitals.html, spa.html and app.html `rounds` times, a new session each
 * time; the first visitor converts, the second abandons after add_to_cart. Two rounds at least:
 * rate() and increase() count a series' changes, so a label combination seen once shows nothing.
 */
export async function driveTraffic(
  browser: Browser,
  web: string,
  collector: string,
  rounds = 1,
): Promise<void> {
  await Promise.all(
    VISITORS.map(async (v, i) => {
      // a new context per round: a new session, as a returning visitor would start
      for (let r = 0; r < rounds; r++) {
        const context = await browser.newContext(v.device);
        // The CDN's country header, on the requests to the collector only: an extra header on
        // every request (setExtraHTTPHeaders) would make cross-origin calls need a CORS preflight.
        await context.route(`${collector}/**`, (route) =>
          route.continue({ headers: { ...route.request().headers(), 'cf-ipcountry': v.country } }),
        );
        const page = await context.newPage();
        await vitalsPage(page, web, 250 + 300 * i);
        await spaPage(page, web);
        await softNavigations(collector, v);
        await appPage(page, web, i === 0);
        await context.close();
      }
    }),
  );
}
