import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * The synchronous stack semantics of sdk-trace-web's `StackContextManager`: `with` makes a
 * context active for the duration of a call, `bind` wraps a function to run in one.
 */
export function createStackContextManager(): ContextManager {
  let current: Context = ROOT_CONTEXT;
  const manager: ContextManager = {
    active: () => current,
    with(context, fn, thisArg, ...args) {
      const previous = current;
      current = context || ROOT_CONTEXT;
      try {
        return fn.call(thisArg, ...args);
      } finally {
        current = previous;
      }
    },
    bind<T>(context: Context | undefined, target: T): T {
      if (typeof target !== 'function') return target;
      const bound = context ?? current;
      const fn = target as unknown as (...args: unknown[]) => unknown;
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        return manager.with(bound, () => fn.apply(this, args));
      };
      // as the SDK: callers may look at the arity
      Object.defineProperty(wrapper, 'length', { value: fn.length });
      return wrapper as T;
    },
    // nothing to set up; `disable` (or the start) left the root context active
    enable: () => manager,
    disable() {
      current = ROOT_CONTEXT;
      return manager;
    },
  };
  return manager;
}
