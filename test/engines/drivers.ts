import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';

// Neither client may fetch a browser or a driver: puppeteer-core never downloads, and webdriverio
// only sets one up when it is not given a driver's hostname and port (we always give both).
process.env.PUPPETEER_SKIP_DOWNLOAD = '1';

export const ENGINE_NAMES = ['firefox', 'webkit'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** One browser with one tab, driven the same way whatever the protocol underneath. */
export interface Driver {
  readonly engine: EngineName;
  /** e.g. `firefox/153.8.0`, `MiniBrowser/2.50.6` */
  readonly version: string;
  /**
   * Uncaught page errors the protocol reported (WebDriver BiDi in Firefox). WebDriver classic
   * (WebKit) reports none: there the pages' own `window.__pageErrors` listeners are the witness.
   */
  readonly pageErrors: string[];
  /** `console.warn`/`console.error` lines, where the protocol reports them (BiDi; not classic). */
  readonly consoleWarnings: string[];
  /** Navigates the tab and waits for the load event. */
  open(url: string): Promise<void>;
  /** Runs `fn` in the page (serialised: no closures) and returns its JSON result. */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  click(selector: string): Promise<void>;
  close(): Promise<void>;
}

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH =
  process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const XVFB_PATH = process.env.XVFB_PATH ?? '/usr/bin/Xvfb';

/** The Debian packages each engine needs, named in the error when one is missing. */
const NEEDS: Record<EngineName, [path: string, pkg: string][]> = {
  firefox: [[FIREFOX_PATH, 'firefox-esr']],
  webkit: [
    [WEBKIT_DRIVER_PATH, 'webkit2gtk-driver'],
    [MINIBROWSER_PATH, 'libwebkit2gtk-4.1-0'],
    [XVFB_PATH, 'xvfb'],
  ],
};

export function missingBinaries(engine: EngineName): string[] {
  return NEEDS[engine]
    .filter(([path]) => !existsSync(path))
    .map(([path, pkg]) => `${path} (apt-get install -y ${pkg})`);
}

export function launch(engine: EngineName): Promise<Driver> {
  const missing = missingBinaries(engine);
  if (missing.length > 0) {
    return Promise.reject(new Error(`${engine}: not installed: ${missing.join(', ')}`));
  }
  return engine === 'firefox' ? launchFirefox() : launchWebKit();
}

/** Debian's Firefox ESR, headless, over WebDriver BiDi, in a fresh temporary profile. */
async function launchFirefox(): Promise<Driver> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      // keep the browser off the network: only the 127.0.0.1 test servers exist for it
      'network.dns.disablePrefetch': true,
      'network.prefetch-next': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
    },
  });
  const page = await browser.newPage().catch(async (error) => {
    await browser.close();
    throw error;
  });
  const pageErrors: string[] = [];
  const consoleWarnings: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'warn' || message.type() === 'error')
      consoleWarnings.push(message.text());
  });
  return {
    engine: 'firefox',
    version: await browser.version(),
    pageErrors,
    consoleWarnings,
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate: (fn, arg) => page.evaluate(fn as any, arg) as any,
    click: (selector) => page.click(selector),
    close: () => browser.close(),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Xvfb on the first free display (`-displayfd` picks it): WebKitGTK's MiniBrowser needs X. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const child = spawn(
    XVFB_PATH,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const display = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${stderr}`)), 10_000);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c) => {
      clearTimeout(timer);
      resolve(`:${String(c).trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${stderr}`)));
  });
  return { display, process: child };
}

async function waitForDriver(url: string, driver: ChildProcess, log: () => string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${log()}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not answer on ${url}: ${log()}`);
}

/**
 * WebKitGTK's MiniBrowser through Debian's `WebKitWebDriver` (W3C WebDriver classic: this driver
 * rejects `webSocketUrl`, so no BiDi), on an Xvfb display we start, with a throwaway HOME so the
 * browser keeps nothing between runs.
 */
async function launchWebKit(): Promise<Driver> {
  const xvfb = await startXvfb();
  const home = mkdtempSync(join(tmpdir(), 'engines-webkit-'));
  const port = await freePort();
  let log = '';
  const driver = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], {
    env: {
      ...process.env,
      DISPLAY: xvfb.display,
      HOME: home,
      XDG_CACHE_HOME: join(home, 'cache'),
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      NO_AT_BRIDGE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  driver.stdout!.on('data', (c) => (log += c));
  driver.stderr!.on('data', (c) => (log += c));
  const cleanup = async () => {
    await stopProcess(driver);
    await stopProcess(xvfb.process);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForDriver(`http://127.0.0.1:${port}`, driver, () => log);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryCount: 0,
      capabilities: {
        browserName: 'MiniBrowser',
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      } as WebdriverIO.Capabilities,
    });
    const caps = browser.capabilities as WebdriverIO.Capabilities;
    return {
      engine: 'webkit',
      version: `${caps.browserName}/${caps.browserVersion}`,
      pageErrors: [],
      consoleWarnings: [],
      async open(url) {
        await browser.url(url); // WebDriver classic: returns after the load event
      },
      evaluate: (fn, arg) => browser.execute(fn as any, arg) as any,
      async click(selector) {
        await (await browser.$(selector)).click();
      },
      async close() {
        await browser.deleteSession().catch(() => {});
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
