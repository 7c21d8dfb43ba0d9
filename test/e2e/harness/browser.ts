import type { Browser } from 'playwright-core';
// @ts-expect-error plain ES module without types
import { launchChromium as launch } from '../../../scripts/lib/chromium.mjs';

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, fresh profile (see scripts/lib/chromium.mjs). */
export async function launchChromium(
  options: { bfcache?: boolean } = {},
): Promise<LaunchedBrowser> {
  const browser: Browser = await launch(options);
  return { browser, close: () => browser.close() };
}
