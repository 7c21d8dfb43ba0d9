import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config';

describe('resolveConfig', () => {
  it('applies documented defaults', () => {
    const r = resolveConfig({ serviceName: 'shop' }, 'https://shop.example');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.endpoint).toBe('https://shop.example');
    expect(r.config.sessionSampleRate).toBe(1);
    expect(r.config.session).toEqual({
      inactivityTimeoutMs: 900_000,
      maxDurationMs: 14_400_000,
      storage: 'localStorage',
    });
    expect(r.config.consent).toBe('granted');
    expect(Object.values(r.config.instrumentations).every(Boolean)).toBe(true);
    expect(r.config.flushIntervalMs).toBe(5_000);
  });

  it('strips trailing slashes from the endpoint', () => {
    const r = resolveConfig({ serviceName: 's', endpoint: 'https://otel.example.com/' });
    expect(r.ok && r.config.endpoint).toBe('https://otel.example.com');
  });

  it.each([
    [{}, 'option "serviceName" is required'],
    [{ serviceName: '' }, 'option "serviceName" must be a non-empty string'],
    [
      { serviceName: 's', sessionSampleRate: 2 },
      'option "sessionSampleRate" must be a number from 0 to 1',
    ],
    [{ serviceName: 's', endpoint: 'ftp://x' }, 'option "endpoint" must be an http(s) URL'],
    [
      { serviceName: 's', consent: 'yes' },
      `option "consent" must be 'granted', 'pending' or 'denied'`,
    ],
    [{ serviceName: 's', session: { storage: 'cookie' } }, 'option "session" must be'],
    [
      { serviceName: 's', instrumentations: { webVitals: 'yes' } },
      'option "instrumentations" must be',
    ],
    [{ serviceName: 's', instrumentations: { nope: true } }, 'option "instrumentations" must be'],
    [
      { serviceName: 's', propagateTraceHeaderCorsUrls: [1] },
      'option "propagateTraceHeaderCorsUrls"',
    ],
    [
      { serviceName: 's', headers: { a: 1 } },
      'option "headers" must be an object of string headers',
    ],
  ])('refuses %o with a warning naming the option', (input, message) => {
    const r = resolveConfig(input, 'https://x.example');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('refuses a non-object', () => {
    expect(resolveConfig(undefined).ok).toBe(false);
    expect(resolveConfig('shop').ok).toBe(false);
  });

  it('warns about unknown options and keeps going', () => {
    const r = resolveConfig({ serviceName: 's', endpont: 'https://typo' }, 'https://x.example');
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual(['unknown option "endpont" is ignored']);
  });

  it('merges partial instrumentations and session options over defaults', () => {
    const r = resolveConfig(
      { serviceName: 's', instrumentations: { webVitals: false }, session: { storage: 'memory' } },
      'https://x.example',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.instrumentations.webVitals).toBe(false);
    expect(r.config.instrumentations.pageLoad).toBe(true);
    expect(r.config.session.storage).toBe('memory');
    expect(r.config.session.inactivityTimeoutMs).toBe(900_000);
  });
});
