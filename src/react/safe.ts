import { getRum } from '../instance';
import type { Rum } from '../types';

/**
 * Calls `fn` with the given instance, or the page's running one; does nothing when there is
 * none. Never throws into the React tree: a broken telemetry call must not unmount the app.
 */
export function withRum(rum: Rum | undefined, fn: (rum: Rum) => void): void {
  try {
    const instance = rum ?? getRum();
    if (instance) fn(instance);
  } catch {
    // Telemetry is best effort; the core SDK's own guard reports its failures in debug mode.
  }
}

export const now = (): number => performance.now();
