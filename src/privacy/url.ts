import { redactText } from './patterns';

/**
 * Default URL scrubbing: query values dropped except allowed parameters, fragment dropped,
 * secrets and long identifiers in the path redacted. Returns '' for input that is not a URL.
 */
export function scrubUrl(
  raw: string,
  allowedQueryParams: readonly string[] = [],
  base?: string,
): string {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return redactText(raw.split(/[?#]/)[0] ?? '');
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:') return `${url.protocol}[redacted]`;
  const path = url.pathname
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // keep it encoded
      }
      const redacted = redactText(decoded);
      return redacted === decoded ? segment : redacted;
    })
    .join('/');
  let query = '';
  const params: string[] = [];
  url.searchParams.forEach((value, key) => {
    const kept = allowedQueryParams.includes(key) ? redactText(value) : '*';
    params.push(`${encodeURIComponent(key)}=${kept === '*' ? '*' : encodeURIComponent(kept)}`);
  });
  if (params.length) query = `?${params.join('&')}`;
  return `${url.protocol}//${url.host}${path}${query}`;
}

/** URLs inside free text (stack frames, script invokers), with a `:line:col` suffix kept apart. */
const URL_IN_TEXT = /\b(https?:\/\/[^\s()'"<>]+?)(:\d+(?::\d+)?)?(?=[\s()'"<>]|$)/g;

/** Runs every URL found inside `text` through `scrub`. */
export function scrubUrlsInText(text: string, scrub: (url: string) => string): string {
  // most texts (script invokers, messages) hold no URL: no scan, and nothing to compile
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (_, url: string, position = '') => scrub(url) + position);
}
