import type { Rum } from './types';

/** The page's one RUM instance lives on a global symbol, so two copies of the SDK share it. */
export const INSTANCE_KEY = Symbol.for('otel-rum.instance');

/** The running instance, or undefined before `initRum` (or after `shutdown`). */
export function getRum(): Rum | undefined {
  return (globalThis as Record<symbol, Rum | undefined>)[INSTANCE_KEY];
}
