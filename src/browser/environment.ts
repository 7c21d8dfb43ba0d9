/** Reads of navigator/screen facts. No product logic beyond normalising values to bounded sets. */

interface UADataBrand {
  brand: string;
  version: string;
}
interface UAData {
  brands?: UADataBrand[];
  mobile?: boolean;
  platform?: string;
}
interface NetworkInformationLike {
  type?: string;
  effectiveType?: string;
}
interface NavigatorLike {
  userAgent?: string;
  language?: string;
  maxTouchPoints?: number;
  hardwareConcurrency?: number;
  deviceMemory?: number;
  userAgentData?: UAData;
  connection?: NetworkInformationLike;
  platform?: string;
}
export interface ScreenLike {
  width: number;
  height: number;
}

export function getNavigator(): NavigatorLike | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as unknown as NavigatorLike);
}

export function getScreen(): ScreenLike | undefined {
  return typeof screen === 'undefined' ? undefined : screen;
}

export function devicePixelRatio(): number | undefined {
  return typeof window === 'undefined' ? undefined : window.devicePixelRatio;
}

export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** Device class from UA client hints, the UA string, then touch + screen size. */
export function deviceClass(
  nav: NavigatorLike | undefined,
  scr: ScreenLike | undefined,
): DeviceClass {
  const ua = nav?.userAgent ?? '';
  if (/iPad|Tablet|PlayBook|Silk|Kindle|(Android(?!.*Mobi))/i.test(ua)) return 'tablet';
  if (nav?.userAgentData?.mobile || /Mobi|iPhone|iPod|Android|IEMobile|Opera Mini/i.test(ua)) {
    return 'mobile';
  }
  // iPadOS 13+ presents itself as a Mac; only touch support gives it away.
  const touch = (nav?.maxTouchPoints ?? 0) > 1;
  if (/Macintosh/.test(ua) && touch) return 'tablet';
  // Unknown UA on a touch screen: judge by the screen's short side (CSS pixels).
  if (touch && scr && Math.min(scr.width, scr.height) < 600) return 'mobile';
  return 'desktop';
}

export type BrowserFamily =
  'chrome' | 'chromium' | 'edge' | 'opera' | 'samsung' | 'firefox' | 'safari' | 'other';

/** Client Hints brands, by a lower-cased part of their name (no regex: each would be compiled). */
const BRAND_FAMILIES: [string, BrowserFamily][] = [
  ['edge', 'edge'],
  ['opera', 'opera'],
  ['samsung', 'samsung'],
  ['google chrome', 'chrome'],
];

const UA_FAMILIES: [RegExp, BrowserFamily][] = [
  [/Edg(e|A|iOS)?\//, 'edge'],
  [/OPR\/|Opera/, 'opera'],
  [/SamsungBrowser/, 'samsung'],
  [/Firefox\/|FxiOS/, 'firefox'],
  [/CriOS|Chrome\//, 'chrome'],
  [/Safari\//, 'safari'],
];

/** A small, bounded set of browser families, suitable as a metric label. */
export function browserFamily(nav: NavigatorLike | undefined): BrowserFamily {
  const brands = nav?.userAgentData?.brands?.map((b) => String(b.brand).toLowerCase()) ?? [];
  for (const [part, family] of BRAND_FAMILIES) {
    if (brands.some((b) => b.includes(part))) return family;
  }
  if (brands.includes('chromium')) return 'chromium';
  const ua = nav?.userAgent ?? '';
  for (const [re, family] of UA_FAMILIES) if (re.test(ua)) return family;
  return 'other';
}

/** `navigator.connection.type` mapped to semconv `network.connection.type` values. */
export function connectionType(nav: NavigatorLike | undefined): string | undefined {
  const type = nav?.connection?.type;
  if (!type) return undefined;
  const map: Record<string, string> = {
    wifi: 'wifi',
    wimax: 'wifi',
    ethernet: 'wired',
    cellular: 'cell',
    bluetooth: 'unknown',
    none: 'unavailable',
    other: 'unknown',
    unknown: 'unknown',
    mixed: 'unknown',
  };
  return map[type] ?? 'unknown';
}

const EFFECTIVE_TYPES = new Set(['slow-2g', '2g', '3g', '4g']);

export function effectiveConnectionType(nav: NavigatorLike | undefined): string | undefined {
  const type = nav?.connection?.effectiveType;
  return type && EFFECTIVE_TYPES.has(type) ? type : undefined;
}
