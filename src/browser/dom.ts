import { guard } from '../guard';

/** The only module besides the other `browser/` wrappers that touches `window` and `document`. */
export const hasWindow = (): boolean =>
  typeof window !== 'undefined' && typeof document !== 'undefined';

export type Stop = () => void;

/** Adds a guarded listener and returns the function that removes it. */
export function listen<K extends string>(
  target: EventTarget | undefined,
  type: K,
  handler: (event: Event) => void,
  options: AddEventListenerOptions = { capture: true, passive: true },
): Stop {
  if (!target || typeof target.addEventListener !== 'function') return () => {};
  const wrapped = guard(handler);
  target.addEventListener(type, wrapped, options);
  return () => target.removeEventListener(type, wrapped, options);
}

export const now = (): number => Date.now();

export function perfNow(): number {
  return typeof performance !== 'undefined' && performance.now ? performance.now() : 0;
}

/** Epoch milliseconds of `performance.timeOrigin` (falls back to navigationStart, then now). */
export function timeOrigin(): number {
  const p = typeof performance !== 'undefined' ? performance : undefined;
  if (p?.timeOrigin) return p.timeOrigin;
  const legacy = (p as unknown as { timing?: { navigationStart?: number } } | undefined)?.timing;
  return legacy?.navigationStart ?? Date.now();
}

export function currentUrl(): string {
  return hasWindow() ? location.href : '';
}

export function isHidden(): boolean {
  return hasWindow() && document.visibilityState === 'hidden';
}

/**
 * Calls `onChange` at any change of the document (nodes, attributes, text): a page's reaction to
 * a click. Returns the stop; where MutationObserver is missing nothing is watched.
 */
export function watchDocument(onChange: () => void): Stop {
  try {
    const observer = new MutationObserver(onChange);
    observer.observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    return () => observer.disconnect();
  } catch {
    return () => {};
  }
}

/**
 * Runs `fn` under the Web Lock `name`, or not at all while another page or tab holds it; settles
 * when `fn` has. Without the Locks API `fn` just runs (at once, as it would have).
 */
export function unlessLocked(name: string, fn: () => unknown): Promise<unknown> {
  const locks =
    typeof navigator === 'undefined'
      ? undefined
      : (navigator as Navigator & { locks?: LockManager }).locks;
  if (locks?.request) {
    return locks.request(name, { ifAvailable: true }, (lock) => (lock ? fn() : undefined));
  }
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}
