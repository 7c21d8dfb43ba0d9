/**
 * Every public method, every listener we add and every user hook runs inside `guard()`: the SDK
 * never throws into the host page. Failures are reported to the console in debug mode only.
 */
let debugEnabled = false;

export function setDebug(enabled: boolean): void {
  debugEnabled = enabled;
}

export function reportInternalError(error: unknown): void {
  if (debugEnabled) console.warn('[otel-rum] internal error', error);
}

export function guard<A extends unknown[], R>(
  fn: (...args: A) => R,
): (...args: A) => R | undefined {
  return function guarded(this: unknown, ...args: A): R | undefined {
    try {
      return fn.apply(this, args);
    } catch (error) {
      reportInternalError(error);
      return undefined;
    }
  };
}

/** Runs `fn` now, inside the guard. */
export function safely<R>(fn: () => R): R | undefined {
  try {
    return fn();
  } catch (error) {
    reportInternalError(error);
    return undefined;
  }
}

/** One warning per problem, always shown: bad configuration must be visible to the developer. */
export function warn(message: string): void {
  try {
    console.warn(`[otel-rum] ${message}`);
  } catch {
    // console may be missing or replaced; nothing else to do
  }
}
