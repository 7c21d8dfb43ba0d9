/**
 * A privacy-safe CSS selector for an element: tag names, ids and stable-looking classes, never
 * text or attribute values. `data-rum-name` on the element or an ancestor wins.
 */
const MAX_DEPTH = 4;
/** Classes and ids that look generated (CSS modules, styled-components, React ids) are skipped. */
const GENERATED = /\d{2,}|^(css|sc|jsx|emotion|chakra)-|^_|[A-Za-z0-9]{8,}_|:/;

export function rumName(element: Element): string | undefined {
  const named = element.closest('[data-rum-name]');
  return named?.getAttribute('data-rum-name') || undefined;
}

function part(el: Element): string {
  const tag = el.tagName.toLowerCase();
  if (el.id && !GENERATED.test(el.id)) return `${tag}#${CSS.escape(el.id)}`;
  const classes = Array.from(el.classList)
    .filter((c) => !GENERATED.test(c))
    .slice(0, 2)
    .map((c) => `.${CSS.escape(c)}`)
    .join('');
  let nth = '';
  const parent = el.parentElement;
  if (parent) {
    const same = Array.from(parent.children).filter((c) => c.tagName === el.tagName);
    if (same.length > 1) nth = `:nth-of-type(${same.indexOf(el) + 1})`;
  }
  return `${tag}${classes}${nth}`;
}

export function cssSelector(element: Element): string {
  const parts: string[] = [];
  let el: Element | null = element;
  for (let depth = 0; el && depth < MAX_DEPTH && el.tagName !== 'HTML'; depth++) {
    const p = part(el);
    parts.unshift(p);
    if (p.includes('#') || el.tagName === 'BODY') break;
    el = el.parentElement;
  }
  return parts.join(' > ');
}
