import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { createStackContextManager } from './trace/context-manager';

/**
 * Without zone.js a browser cannot follow a context across `await`. This context manager keeps
 * the synchronous stack semantics of `StackContextManager` and adds one ambient context: the
 * latest user interaction, active for a short window after it. A fetch a click handler starts,
 * directly or after `await`, inside that window becomes a child of the click's span.
 */
export interface InteractionContextManager extends ContextManager {
  setInteraction(context: Context, windowMs: number): void;
  /** The interaction's context while its window is open. */
  interaction(): Context | undefined;
}

export function createInteractionContextManager(
  now: () => number = () => performance.now(),
): InteractionContextManager {
  const stack = createStackContextManager();
  let ambient: Context | undefined;
  let until = 0;
  const interaction = (): Context | undefined => (ambient && now() < until ? ambient : undefined);
  return {
    active() {
      const current = stack.active();
      return current !== ROOT_CONTEXT ? current : (interaction() ?? ROOT_CONTEXT);
    },
    with: (context, fn, thisArg, ...args) => stack.with(context, fn, thisArg, ...args),
    bind: (context, target) => stack.bind(context, target),
    enable() {
      stack.enable();
      return this;
    },
    disable() {
      stack.disable();
      ambient = undefined;
      return this;
    },
    setInteraction(context, windowMs) {
      ambient = context;
      until = now() + windowMs;
    },
    interaction,
  };
}
