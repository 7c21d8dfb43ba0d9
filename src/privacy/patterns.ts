/**
 * Values that must never leave the page, shared by URL, route and message scrubbing: one pattern
 * of alternatives, tried in this order at each position, so a text is scanned once (not once per
 * kind) and the browser compiles one expression, not seven.
 */
const SECRETS = new RegExp(
  [
    // JWT
    /(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/,
    // credentials after an auth scheme: the scheme is kept
    /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/,
    // email
    /([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/,
    // UUID
    /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/,
    // 13 to 19 digits, optionally grouped by spaces or dashes: payment card numbers
    /(\b\d(?:[ -]?\d){12,18}\b)/,
    // long hex ids, then long tokens mixing letters and digits (API keys, base64 ids)
    /\b[0-9a-f]{16,}\b|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b/,
  ]
    .map((part) => part.source)
    .join('|'),
  'gi',
);

/**
 * The shortest text any pattern above can match without an `@`: a card number (13 digits). Most
 * path segments and words are shorter, and are returned without a scan.
 */
const SHORTEST = 13;

/** Redacts secrets and identifiers inside free text (messages, stack traces, paths). */
export function redactText(text: string): string {
  if (text.length < SHORTEST && !text.includes('@')) return text;
  return text.replace(
    SECRETS,
    (_match, jwt?: string, scheme?: string, email?: string, _uuid?: string, card?: string) =>
      jwt ? '[token]' : scheme ? `${scheme} [token]` : email ? '[email]' : card ? '[card]' : '[id]',
  );
}
