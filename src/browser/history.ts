import { guard } from '../guard';

type HistoryMethod = 'pushState' | 'replaceState';

/**
 * Calls `onChange` after every `history.pushState` / `replaceState`. Restoring on stop only when
 * our wrapper is still the outermost one; otherwise it turns into a pass-through, so a library that
 * wrapped after us keeps working.
 */
export function patchHistory(onChange: () => void): () => void {
  if (typeof history === 'undefined') return () => {};
  const notify = guard(onChange);
  const restores = (['pushState', 'replaceState'] as HistoryMethod[]).map((method) => {
    const original = history[method];
    let active = true;
    const wrapper = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      if (active) notify();
      return result;
    };
    history[method] = wrapper;
    return () => {
      active = false;
      if (history[method] === wrapper) history[method] = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}
