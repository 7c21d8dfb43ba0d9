/** Patterns of values that must never leave the page: shared by URL, route and message scrubbing. */
export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
export const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
export const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** 13 to 19 digits, optionally grouped by spaces or dashes: payment card numbers. */
export const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
export const LONG_HEX = /\b[0-9a-f]{16,}\b/gi;
/** Long mixed-case tokens with digits (API keys, base64 ids). */
export const LONG_TOKEN = /\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b/g;

/** Redacts secrets and identifiers inside free text (messages, stack traces, paths). */
export function redactText(text: string): string {
  return text
    .replace(JWT, '[token]')
    .replace(BEARER, '$1 [token]')
    .replace(EMAIL, '[email]')
    .replace(UUID, '[id]')
    .replace(CARD, '[card]')
    .replace(LONG_HEX, '[id]')
    .replace(LONG_TOKEN, '[id]');
}
