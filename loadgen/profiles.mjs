// Who the simulated visitors are: devices (viewport, user agent, touch, CPU slowdown), networks
// (throughput and latency as Chrome DevTools presets them) and countries (the CDN header).
import { random } from '../scripts/lib/random.mjs';

export { random };

/** Chromium versions in user agents follow the real browser's major version. */
const androidUa = (model, major) =>
  `Mozilla/5.0 (Linux; Android 14; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Mobile Safari/537.36`;

/** Alternating mobile and desktop, so any two consecutive visitors cover both classes. */
export const DEVICES = [
  {
    name: 'pixel-7',
    deviceClass: 'mobile',
    viewport: { width: 412, height: 915 },
    deviceScaleFactor: 2.625,
    isMobile: true,
    hasTouch: true,
    userAgent: (major) => androidUa('Pixel 7', major),
    cpuSlowdown: 4,
    networks: ['4g', '4g', '3g'],
  },
  {
    name: 'desktop',
    deviceClass: 'desktop',
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    isMobile: false,
    hasTouch: false,
    userAgent: (major) =>
      `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
    cpuSlowdown: 1,
    networks: ['cable', 'cable', '4g'],
  },
  {
    name: 'galaxy-a15',
    deviceClass: 'mobile',
    viewport: { width: 360, height: 800 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: (major) => androidUa('SM-A155F', major),
    cpuSlowdown: 6,
    networks: ['3g', '4g'],
  },
  {
    name: 'laptop',
    deviceClass: 'desktop',
    viewport: { width: 1280, height: 720 },
    deviceScaleFactor: 1.25,
    isMobile: false,
    hasTouch: false,
    userAgent: (major) =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`,
    cpuSlowdown: 2,
    networks: ['cable', '4g'],
  },
];

/** `Network.emulateNetworkConditions` parameters (throughput in bytes per second). */
export const NETWORKS = {
  '3g': {
    latency: 300,
    downloadThroughput: (1.6e6 / 8) * 0.9,
    uploadThroughput: (750e3 / 8) * 0.9,
    connectionType: 'cellular3g',
  },
  '4g': {
    latency: 90,
    downloadThroughput: (9e6 / 8) * 0.9,
    uploadThroughput: (3e6 / 8) * 0.9,
    connectionType: 'cellular4g',
  },
  cable: {
    latency: 15,
    downloadThroughput: (50e6 / 8) * 0.9,
    uploadThroughput: (10e6 / 8) * 0.9,
    connectionType: 'ethernet',
  },
};

/** ISO 3166-1 alpha-2 codes, as Cloudflare's `cf-ipcountry` carries them. */
export const COUNTRIES = ['US', 'DE', 'IN', 'BR', 'GB', 'FR', 'JP', 'NL', 'CA', 'AU', 'ES', 'PL'];

/** Visitor `i`'s device, network and country: devices alternate, countries rotate from a shuffle. */
export function visitorProfile(i, rnd, countries) {
  const device = DEVICES[i % DEVICES.length];
  const network = device.networks[Math.floor(rnd() * device.networks.length)];
  return { device, network, country: countries[i % countries.length] };
}

export function shuffled(list, rnd) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
