// One visitor: a fresh browser context with the visitor's device, network and country, a random
// walk through the shop (weighted like a real funnel), then leaving the page, which makes the SDK
// send what it holds. Returns what the page counted (window.shopStats) and the routes walked.
import { NETWORKS } from './profiles.mjs';

const STEP_TIMEOUT_MS = 20_000;
const MAX_STEPS = 14;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One of `choices` ([weight, value] pairs) at random. */
function pick(rnd, choices) {
  let x = rnd() * choices.reduce((sum, [w]) => sum + w, 0);
  for (const [w, value] of choices) if ((x -= w) < 0) return value;
  return choices[choices.length - 1][1];
}

/**
 * The country header, added the way a CDN adds it: below the page, on every request (documents,
 * API calls, the SDK's exports to the collector, and those the relay service worker sends for
 * pages already closed). `setExtraHTTPHeaders` would instead make the browser send it as a request
 * header, so cross-origin requests would need a CORS preflight that allows it, which neither the
 * API nor the collector does (nor should).
 */
async function addCountryHeader(context, country) {
  await context.route('**/*', (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.continue();
    return route.continue({ headers: { ...request.headers(), 'cf-ipcountry': country } });
  });
}

export async function visit({ browser, url, profile, rnd, deadline, chromeMajor }) {
  const { device, network, country } = profile;
  const context = await browser.newContext({
    viewport: device.viewport,
    deviceScaleFactor: device.deviceScaleFactor,
    isMobile: device.isMobile,
    hasTouch: device.hasTouch,
    userAgent: device.userAgent(chromeMajor),
    locale: 'en-US',
  });
  const result = {
    routes: [],
    pageViews: 0,
    errors: 0,
    conversions: 0,
    checkoutFailures: 0,
    revenue: 0,
    failure: undefined,
  };
  let page;
  try {
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: device.cpuSlowdown });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...NETWORKS[network] });
    await addCountryHeader(context, country);

    const press = (selector) => (device.hasTouch ? page.tap(selector) : page.click(selector));
    const route = () => page.getAttribute('main', 'data-route');
    /** Clicks, then waits until the app shows `template`. */
    const go = async (selector, template) => {
      await press(selector);
      await page.waitForSelector(`main[data-route="${template}"]`);
      result.routes.push(template);
    };

    const entry = pick(rnd, [
      [4, '/'],
      [3, '/products'],
      [3, `/product/${1 + Math.floor(rnd() * 12)}`],
    ]);
    await page.goto(url + entry, { waitUntil: 'load' });
    await page.waitForSelector('main[data-route]');
    result.routes.push(await route());

    for (let step = 0; step < MAX_STEPS && Date.now() < deadline; step++) {
      await sleep(400 + rnd() * 1600); // reading, thinking
      const here = await route();
      if (here === '/') {
        const next = pick(rnd, [
          [5, 'products'],
          [3, 'recommended'],
          [1, 'leave'],
        ]);
        if (next === 'leave') break;
        const cards = await page.$$('a[data-rum-name="product-card"]');
        if (next === 'recommended' && cards.length) {
          await cards[Math.floor(rnd() * cards.length)].click();
          await page.waitForSelector('main[data-route="/product/:id"]');
          result.routes.push('/product/:id');
        } else await go('a[data-rum-name="nav-products"]', '/products');
      } else if (here === '/products') {
        if (rnd() < 0.12) break;
        await page.waitForSelector('#product-grid');
        const n = await page.locator('#product-grid a').count();
        await press(`#product-grid a >> nth=${Math.floor(rnd() * n)}`);
        await page.waitForSelector('main[data-route="/product/:id"]');
        result.routes.push('/product/:id');
      } else if (here === '/product/:id') {
        const next = pick(rnd, [
          [13, 'add'],
          [4, 'browse'],
          [3, 'leave'],
        ]);
        if (next === 'leave') break;
        if (next === 'browse') {
          await go('a[data-rum-name="nav-products"]', '/products');
          continue;
        }
        await page.waitForSelector('#add-to-cart:not([disabled])');
        await press('#add-to-cart');
        await page.waitForSelector('.added');
        if (rnd() < 0.75) await go('a[data-rum-name="go-to-cart"]', '/cart');
        else await go('a[data-rum-name="nav-products"]', '/products');
      } else if (here === '/cart') {
        if (await page.$('a[data-rum-name="continue-shopping"]')) {
          await go('a[data-rum-name="continue-shopping"]', '/products');
          continue;
        }
        if (rnd() < 0.5) {
          await press('#apply-coupon'); // the deliberately slow interaction
          await sleep(300 + rnd() * 700);
        }
        if (rnd() < 0.15) break;
        await go('a[data-rum-name="checkout"]', '/checkout');
      } else if (here === '/checkout') {
        if (rnd() < 0.1) break;
        await press('#place-order');
        await page.waitForSelector('#order-id, #payment-error');
        if (await page.$('#order-id')) result.routes.push('/order/:id');
        else if (rnd() < 0.4) break; // gave up after a failed payment
      } else if (here === '/order/:id') {
        if (rnd() < 0.7) break;
        await go('a[data-rum-name="back-home"]', '/');
      } else break;
    }
  } catch (err) {
    result.failure = String(err?.message ?? err).split('\n')[0];
  }
  try {
    if (page) {
      Object.assign(result, await harvest(page, result));
      // Leaving: the page is hidden and unloaded, so the SDK sends its final vitals and spans.
      await page.goto('about:blank').catch(() => {});
      await sleep(1_500);
    }
  } finally {
    await context.close().catch(() => {});
  }
  return result;
}

/** The page's own counters (index.html sets them up), added to the route walk. */
async function harvest(page, result) {
  const stats = await page.evaluate(() => window.shopStats).catch(() => undefined);
  if (!stats) return { pageViews: result.routes.length };
  return stats;
}
