/**
 * Route templates keep page labels bounded: `/product/123` becomes `/product/:id`. Configured
 * templates win; otherwise numeric, uuid, hash-like and token-like segments collapse.
 */
const MAX_SEGMENTS = 8;
const MAX_SEGMENT_LENGTH = 40;

interface CompiledRoute {
  template: string;
  segments: string[];
}

export function compileRoutes(routes: readonly string[]): CompiledRoute[] {
  return routes.map((template) => ({
    template,
    segments: template.split('/').filter(Boolean),
  }));
}

function matches(route: CompiledRoute, segments: string[]): boolean {
  const last = route.segments.length - 1;
  if (route.segments[last] === '*') {
    if (segments.length < last) return false;
  } else if (route.segments.length !== segments.length) {
    return false;
  }
  return route.segments.every(
    (pattern, i) => pattern === '*' || pattern.startsWith(':') || pattern === segments[i],
  );
}

function collapseSegment(segment: string): string {
  let s = segment;
  try {
    s = decodeURIComponent(segment);
  } catch {
    // keep raw
  }
  if (/^\d+$/.test(s)) return ':id';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return ':id';
  if (/^[0-9a-f]{8,}$/i.test(s) && /\d/.test(s)) return ':id';
  if (s.includes('@')) return ':id';
  // Two or more digits mixed in (sku-12345, a1b2c3) mark an identifier; API versions (v2, v1.10)
  // and words with one digit (mp3, 2fa) stay.
  if ((s.match(/\d/g)?.length ?? 0) >= 2 && !/^v\d+(\.\d+)*$/i.test(s)) return ':id';
  // mixed letters and digits of some length (slugs with ids, base64, tokens)
  if (s.length >= 16 && /\d/.test(s) && /^[A-Za-z0-9_=+.-]+$/.test(s) && !/^[a-z-]+$/.test(s)) {
    return ':id';
  }
  if (s.length > MAX_SEGMENT_LENGTH) return ':id';
  return segment;
}

/** Path (no query, no fragment) to its route template. */
export function routeTemplate(pathname: string, routes: readonly CompiledRoute[]): string {
  const segments = pathname.split('/').filter(Boolean);
  for (const route of routes) if (matches(route, segments)) return route.template;
  const collapsed = segments.slice(0, MAX_SEGMENTS).map(collapseSegment);
  if (segments.length > MAX_SEGMENTS) collapsed.push('*');
  return `/${collapsed.join('/')}`;
}
