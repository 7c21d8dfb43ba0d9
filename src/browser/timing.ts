/** Scheduling helpers over browser APIs, with fallbacks where an API is missing. */

/** Runs after the load event has finished (so `loadEventEnd` is set). */
export function afterLoad(callback: () => void): () => void {
  if (typeof document === 'undefined') return () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (): void => {
    timer = setTimeout(callback, 0);
  };
  if (document.readyState === 'complete') {
    run();
    return () => clearTimeout(timer);
  }
  window.addEventListener('load', run, { once: true });
  return () => {
    window.removeEventListener('load', run);
    clearTimeout(timer);
  };
}

/** After the next paint (double rAF), or after `maxMs` when frames do not run (hidden tab). */
export function afterNextPaint(callback: () => void, maxMs = 1_000): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    callback();
  };
  setTimeout(once, maxMs);
  if (typeof requestAnimationFrame === 'function') {
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(once, 0)));
  }
}
