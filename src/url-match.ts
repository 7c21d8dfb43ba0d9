import type { UrlMatcher } from './types';

/**
 * A URL option's matcher as a RegExp. A string means "URLs that start with it, up to a boundary":
 * the next character must be `/`, `?`, `#`, `:` or the end, so `https://api.example.com` never
 * matches `https://api.example.com.evil.net` or `https://api.example.community` (a trace header
 * sent there leaks ids and fails the app's CORS preflight). A string that ends in a boundary
 * character already stops there. A RegExp is used as given.
 */
export function urlMatcher(m: UrlMatcher): RegExp {
  if (typeof m !== 'string') return m;
  const escaped = m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(/[/?#:]$/.test(m) ? `^${escaped}` : `^${escaped}(?=[/?#:]|$)`);
}

/**
 * Which requests are traced (not the export endpoint, not `ignoreUrls`) and which carry
 * `traceparent` (same origin, or `propagateTraceHeaderCorsUrls`).
 */
export function requestFilter(config: {
  endpoint: string;
  ignoreUrls: UrlMatcher[];
  propagateTraceHeaderCorsUrls: UrlMatcher[];
}): { traced(url: string): boolean; propagates(url: string): boolean } {
  const ignore = [...config.ignoreUrls, config.endpoint].map(urlMatcher);
  const allowed = config.propagateTraceHeaderCorsUrls.map(urlMatcher);
  return {
    traced: (url) => !ignore.some((m) => m.test(url)),
    propagates(url) {
      try {
        if (new URL(url, location.href).origin === location.origin) return true;
      } catch {
        return false;
      }
      return allowed.some((m) => m.test(url));
    },
  };
}
