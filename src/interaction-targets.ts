/** What counts as an interaction, shared by the critical path and the interaction spans. */

/** A click with no DOM change and no request within this time is a dead click. */
export const DEAD_CLICK_WINDOW_MS = 1_000;

/** How long after a click a request counts as caused by it (async handlers, `await`). */
export const INTERACTION_WINDOW_MS = 1_000;

/** Elements whose clicks are interactions (a click elsewhere is not traced). */
export const INTERACTIVE =
  'a,button,input,select,textarea,label,summary,option,[role=button],[role=link],[role=menuitem],[role=tab],[role=checkbox],[onclick],[data-rum-name],[tabindex]';
