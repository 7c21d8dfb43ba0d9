import { describe, expect, it } from 'vitest';
import { browserFamily, connectionType, deviceClass, effectiveConnectionType } from './environment';

const UA = {
  pixel:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  tab: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  chrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
};

describe('device class', () => {
  it.each([
    [{ userAgent: UA.pixel }, 'mobile'],
    [{ userAgent: UA.iphone }, 'mobile'],
    [{ userAgent: UA.tab }, 'tablet'],
    [{ userAgent: UA.ipad }, 'tablet'],
    [{ userAgent: UA.mac, maxTouchPoints: 5 }, 'tablet'],
    [{ userAgent: UA.mac, maxTouchPoints: 0 }, 'desktop'],
    [{ userAgent: UA.chrome, userAgentData: { mobile: true } }, 'mobile'],
    [{ userAgent: UA.firefox }, 'desktop'],
  ] as const)('%o -> %s', (nav, expected) => {
    expect(deviceClass(nav, { width: 1920, height: 1080 })).toBe(expected);
  });
  it('falls back to touch + small screen', () => {
    expect(
      deviceClass({ userAgent: 'Unknown', maxTouchPoints: 5 }, { width: 390, height: 844 }),
    ).toBe('mobile');
    expect(deviceClass(undefined, undefined)).toBe('desktop');
  });
});

describe('browser family', () => {
  it.each([
    [{ userAgent: UA.firefox }, 'firefox'],
    [{ userAgent: UA.edge }, 'edge'],
    [{ userAgent: UA.chrome }, 'chrome'],
    [{ userAgent: UA.iphone }, 'safari'],
    [
      {
        userAgent: UA.chrome,
        userAgentData: {
          brands: [
            { brand: 'Chromium', version: '126' },
            { brand: 'Not)A;Brand', version: '99' },
          ],
        },
      },
      'chromium',
    ],
    [
      {
        userAgent: UA.chrome,
        userAgentData: {
          brands: [
            { brand: 'Chromium', version: '126' },
            { brand: 'Google Chrome', version: '126' },
          ],
        },
      },
      'chrome',
    ],
    [{ userAgent: 'curl/8' }, 'other'],
  ] as const)('%o -> %s', (nav, expected) => {
    expect(browserFamily(nav as never)).toBe(expected);
  });
});

describe('network', () => {
  it('maps connection types to semconv values', () => {
    expect(connectionType({ connection: { type: 'cellular' } })).toBe('cell');
    expect(connectionType({ connection: { type: 'ethernet' } })).toBe('wired');
    expect(connectionType({ connection: { type: 'none' } })).toBe('unavailable');
    expect(connectionType({ connection: {} })).toBeUndefined();
    expect(connectionType(undefined)).toBeUndefined();
  });
  it('keeps effective types bounded', () => {
    expect(effectiveConnectionType({ connection: { effectiveType: '3g' } })).toBe('3g');
    expect(effectiveConnectionType({ connection: { effectiveType: '5g-ultra' } })).toBeUndefined();
  });
});
