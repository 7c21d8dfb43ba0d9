import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless. Playwright gives every launch a fresh temporary profile (the
 * user-data-dir), removed on close. Never downloads a browser.
 */
export async function launchChromium(
  options: { bfcache?: boolean } = {},
): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    // Playwright turns the back/forward cache off by default; real users have it.
    ignoreDefaultArgs: options.bfcache ? ['--disable-back-forward-cache'] : [],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}
