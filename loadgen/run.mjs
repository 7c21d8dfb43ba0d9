#!/usr/bin/env node
// Traffic for the demo shop: real headless Chromium visitors walking random journeys, each with a
// device (viewport, user agent, touch, CPU slowdown), a network (3G/4G/cable) and a country (the
// `cf-ipcountry` header a CDN would add). Bounded by visitor count and by total time; exits by
// itself and prints a summary (last line: the same as JSON).
//   node loadgen/run.mjs [--visitors N] [--duration S] [--concurrency C] [--url URL] [--seed N]
// Environment: LOADGEN_VISITORS (20), LOADGEN_DURATION (300 s), LOADGEN_CONCURRENCY (2),
// LOADGEN_URL (http://127.0.0.1:8080), LOADGEN_SEED (random), CHROMIUM_PATH (/usr/bin/chromium),
// LOADGEN_CHROMIUM_ARGS (extra flags, space-separated; in a container e.g.
// `--disable-dev-shm-usage`). The visitors' browser must reach the API and collector URLs that
// the shop's HTML names (demo/server.cjs writes them in), not only the shop.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromium.mjs';
import { visit } from './journey.mjs';
import { COUNTRIES, random, shuffled, visitorProfile } from './profiles.mjs';

/** After the time bound, visitors get this long to leave (and flush) before the browser closes. */
const GRACE_MS = 30_000;

function option(name, env, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i > 0 ? process.argv[i + 1] : (process.env[env] ?? fallback);
  return raw;
}
function count(name, env, fallback, min) {
  const n = Number(option(name, env, fallback));
  if (!Number.isFinite(n) || n < min) {
    console.error(`loadgen: --${name} must be a number >= ${min}`);
    process.exit(2);
  }
  return n;
}

const visitors = Math.floor(count('visitors', 'LOADGEN_VISITORS', 20, 1));
const durationS = count('duration', 'LOADGEN_DURATION', 300, 1);
const concurrency = Math.min(
  visitors,
  Math.floor(count('concurrency', 'LOADGEN_CONCURRENCY', 2, 1)),
);
const url = String(option('url', 'LOADGEN_URL', 'http://127.0.0.1:8080')).replace(/\/+$/, '');
const seed = Math.floor(count('seed', 'LOADGEN_SEED', Math.floor(Math.random() * 2 ** 31), 0));

/** The shop may still be starting (compose): wait up to a minute for it. */
async function waitForShop() {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`the shop at ${url} did not answer within 60 s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const tally = (map, key) => void (map[key] = (map[key] ?? 0) + 1);

async function main() {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}`);
  const started = Date.now();
  let deadline = started + durationS * 1000;
  await waitForShop();
  const extraArgs = (process.env.LOADGEN_CHROMIUM_ARGS ?? '').split(/\s+/).filter(Boolean);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  const chromeMajor = browser.version().split('.')[0];
  const countries = shuffled(COUNTRIES, random(seed));
  const summary = {
    visitors: 0,
    completed: 0,
    pageViews: 0,
    errors: 0,
    conversions: 0,
    checkoutFailures: 0,
    revenue: 0,
    devices: {},
    networks: {},
    countries: {},
    failures: 0,
    seed,
    url,
    durationS: 0,
  };

  let stopping = false;
  const stop = (signal) => {
    if (stopping) process.exit(130); // second Ctrl-C: no more waiting
    stopping = true;
    console.log(`loadgen: ${signal}, visitors leave now`);
    deadline = Date.now();
    setTimeout(() => browser.close().catch(() => {}), 5_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const watchdog = setTimeout(
    () => {
      console.log('loadgen: time is up, closing the browser');
      browser.close().catch(() => {});
    },
    deadline - Date.now() + GRACE_MS,
  );

  let next = 0;
  const worker = async () => {
    while (next < visitors && Date.now() < deadline && browser.isConnected()) {
      const i = next++;
      // each visitor has its own random stream: the same seed walks the same journeys
      const visitorRnd = random((seed + Math.imul(i + 1, 0x9e3779b1)) >>> 0);
      const profile = visitorProfile(i, visitorRnd, countries);
      const t0 = Date.now();
      let r;
      try {
        r = await visit({ browser, url, profile, rnd: visitorRnd, deadline, chromeMajor });
      } catch (err) {
        if (!browser.isConnected()) break; // the watchdog closed the browser
        throw err;
      }
      summary.visitors++;
      if (!r.failure) summary.completed++;
      else summary.failures++;
      for (const key of ['pageViews', 'errors', 'conversions', 'checkoutFailures', 'revenue'])
        summary[key] += r[key];
      tally(summary.devices, profile.device.deviceClass);
      tally(summary.networks, profile.network);
      tally(summary.countries, profile.country);
      console.log(
        `visitor ${i + 1}/${visitors} ${profile.device.name} ${profile.network} ${profile.country}: ` +
          `${r.routes.join(' > ')}${r.conversions ? ' (converted)' : ''} ` +
          `${((Date.now() - t0) / 1000).toFixed(1)} s${r.failure ? ` FAILED: ${r.failure}` : ''}`,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(watchdog);
  await browser.close().catch(() => {});
  summary.revenue = Math.round(summary.revenue * 100) / 100;
  summary.durationS = Math.round((Date.now() - started) / 100) / 10;
  const list = (m) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  console.log(
    `loadgen: ${summary.visitors} visitors (${summary.completed} completed) in ${summary.durationS} s: ` +
      `${summary.pageViews} page views, ${summary.errors} errors, ${summary.conversions} conversions ` +
      `(€${summary.revenue.toFixed(2)}), ${summary.checkoutFailures} failed checkouts; ` +
      `devices: ${list(summary.devices)}; networks: ${list(summary.networks)}; ` +
      `countries: ${list(summary.countries)}; seed ${seed}`,
  );
  console.log(JSON.stringify(summary));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`loadgen: ${err?.message ?? err}`);
    process.exit(1);
  },
);
