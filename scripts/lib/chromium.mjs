// Debian's Chromium, headless, as every test, benchmark and the traffic generator start it.
// Never downloads a browser. The background-networking switches keep it off the network.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

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

/**
 * Playwright gives every launch a fresh temporary profile (the user-data-dir), removed on close.
 * @param {{ bfcache?: boolean }} [options] bfcache: keep the back/forward cache on (Playwright
 *   turns it off by default; real users have it).
 */
export async function launchChromium(options = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: options.bfcache ? ['--disable-back-forward-cache'] : [],
  });
}
