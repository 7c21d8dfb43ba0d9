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

/**
 * Whether `text` has what some pattern above needs: a digit (cards, long tokens, most ids), an
 * `@` (emails), a space (after an auth scheme), `eyJ` in any case (JWTs), or 12 hex letters in
 * a row (the last group of a UUID, or a hex id, of letters only). Non-ASCII text is scanned. A file name or a word has
 * none of these and skips the scan: besides the work, an expression that has run twice is
 * compiled to machine code, about 8 KB for this one.
 */
function mayHoldSecret(text: string): boolean {
  if (text.length < SHORTEST && !text.includes('@')) return false;
  let hexRun = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 64 || c <= 32 || c > 126) return true;
    // `c | 32` lower-cases A-F; nothing else lands in a-f
    hexRun = (c | 32) >= 97 && (c | 32) <= 102 ? hexRun + 1 : 0;
    if (hexRun === 12) return true;
  }
  return text.toLowerCase().includes('eyj');
}

/** Every secret and identifier in `text` redacted, by a scan of the whole text. */
export function redactAll(text: string): string {
  return text.replace(
    SECRETS,
    (_match, jwt?: string, scheme?: string, email?: string, _uuid?: string, card?: string) =>
      jwt ? '[token]' : scheme ? `${scheme} [token]` : email ? '[email]' : card ? '[card]' : '[id]',
  );
}

/** Redacts secrets and identifiers inside free text (messages, stack traces, paths). */
export function redactText(text: string): string {
  return mayHoldSecret(text) ? redactAll(text) : text;
}
