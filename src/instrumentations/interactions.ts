import type { Span } from '@opentelemetry/api';
import { holdOpen, type RumContext } from '../context';
import { cssSelector, rumName } from '../privacy/selector';
import { perfNow, watchDocument } from '../browser/dom';
import type { EarlyReaction } from '../core';
import { DEAD_CLICK_WINDOW_MS, INTERACTION_WINDOW_MS, INTERACTIVE } from '../interaction-targets';

/** Clicks on one element within this window that make a rage click... */
export const RAGE_CLICK_WINDOW_MS = 1_000;
/** ...when there are at least this many. */
export const RAGE_CLICK_COUNT = 3;

/** Elements whose clicks legitimately change nothing in the DOM. */
const NO_DEAD_CLICK = 'input,select,textarea,label,option,[contenteditable]';

/**
 * Clicks and submits on interactive elements become `click`/`submit` spans named for the element
 * (`data-rum-name` or a privacy-safe selector, never text). A click span stays open until the
 * page reacts (a DOM change or a request) or the dead-click window ends; rage and dead clicks are
 * flagged. While the interaction window is open, requests become the click span's children.
 */
export function trackInteractions(
  ctx: RumContext,
  setInteraction: (span: Span, windowMs: number) => void,
): { onEvent(event: Event, paintedAt?: number, reaction?: EarlyReaction): void } {
  const recent: { target: Element; at: number }[] = [];

  /**
   * A click queued before we loaded comes with the reaction the critical path watched for: it
   * ends at that reaction, or is flagged dead at the window's end, as a live one; one still being
   * watched is watched on from here for what is left of the window. Without one (an older
   * loader) it ends at the paint that followed it, never flagged.
   */
  const onEvent = (event: Event, paintedAt?: number, reaction?: EarlyReaction): void => {
    const origin = event.target as Element | null;
    if (!event.isTrusted || !origin || typeof origin.closest !== 'function') return;
    const element = event.type === 'submit' ? origin : origin.closest(INTERACTIVE);
    if (!element) return;
    const selector = cssSelector(element);
    const name = rumName(element) ?? selector;
    const at = event.timeStamp;
    ctx.lastAction = { type: event.type, target: name, at };

    const attrs: Record<string, string | number | boolean> = {
      'rum.interaction.type': event.type,
      'rum.interaction.name': name,
      'rum.interaction.target': selector,
    };
    if (event.type === 'click') {
      while (recent.length && at - recent[0]!.at > RAGE_CLICK_WINDOW_MS) recent.shift();
      recent.push({ target: element, at });
      const same = recent.filter((r) => r.target === element).length;
      if (same >= RAGE_CLICK_COUNT) {
        attrs['rum.interaction.rage'] = true;
        attrs['rum.interaction.click_count'] = same;
      }
    }
    const span = ctx.startSpan(event.type, attrs, { startTime: at, root: true });
    setInteraction(span, INTERACTION_WINDOW_MS);
    ctx.recentInteractions.push({ at, span: span.spanContext() });
    if (ctx.recentInteractions.length > 20) ctx.recentInteractions.shift();
    const canBeDead = event.type === 'click' && !element.matches(NO_DEAD_CLICK);
    if (reaction?.stop) {
      reaction.stop();
      watchReaction(ctx, span, canBeDead, DEAD_CLICK_WINDOW_MS - (perfNow() - at));
    } else if (reaction) {
      if (canBeDead) span.setAttribute('rum.interaction.dead', !!reaction.dead);
      span.end(reaction.at ?? at + DEAD_CLICK_WINDOW_MS);
    } else if (paintedAt !== undefined) span.end(paintedAt);
    else watchReaction(ctx, span, canBeDead);
  };

  return { onEvent };
}

/**
 * Ends the span at the page's first reaction, or flags a dead click when nothing happens in the
 * window. If the page hides first, the span ends then, unflagged.
 */
function watchReaction(
  ctx: RumContext,
  span: Span,
  canBeDead: boolean,
  windowMs = DEAD_CLICK_WINDOW_MS,
): void {
  let dead = false;
  const end = holdOpen(ctx, () => {
    stopWatching();
    ctx.requestListeners.delete(end);
    clearTimeout(timer);
    if (canBeDead) span.setAttribute('rum.interaction.dead', dead);
    span.end();
  });
  const timer = setTimeout(
    () => {
      dead = true;
      end();
    },
    Math.max(0, windowMs),
  );
  // a request the click started counts as a reaction
  ctx.requestListeners.add(end);
  // and any change of the document (without MutationObserver, only requests count)
  const stopWatching = watchDocument(end);
}
