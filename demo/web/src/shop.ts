// The page's globals, set up by index.html before the app runs: the API origin, the RUM instance
// (the SDK's IIFE) and the counters the traffic generator reads back.
import type { Rum, RumAttributes } from '../../../src/types';

export interface ShopStats {
  pageViews: number;
  errors: number;
  conversions: number;
  checkoutFailures: number;
  revenue: number;
}

declare global {
  interface Window {
    SHOP?: { api: string };
    rum?: Rum;
    shopStats?: ShopStats;
  }
}

/** The API origin; `__API__` when the page is not served by demo/server.cjs (same origin then). */
export const API = window.SHOP && !window.SHOP.api.startsWith('__') ? window.SHOP.api : '';

export const stats: ShopStats = (window.shopStats ??= {
  pageViews: 0,
  errors: 0,
  conversions: 0,
  checkoutFailures: 0,
  revenue: 0,
});

/** A business event (`custom_event` span); nothing happens when RUM is off. */
export function trackEvent(name: string, attributes?: RumAttributes): void {
  window.rum?.trackEvent(name, attributes);
}

export const formatPrice = (n: number): string => `€${n.toFixed(2)}`;
