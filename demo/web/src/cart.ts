// The cart, kept in localStorage so it survives reloads; the API keeps its own copy by cartId.
import { useSyncExternalStore } from 'react';

export interface CartLine {
  id: number;
  name: string;
  price: number;
  qty: number;
}

export interface Cart {
  cartId?: string;
  lines: CartLine[];
}

const KEY = 'shop.cart';
const listeners = new Set<() => void>();
let cart: Cart = load();

function load(): Cart {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Cart | null;
    return saved && Array.isArray(saved.lines) ? saved : { lines: [] };
  } catch {
    return { lines: [] };
  }
}

function save(next: Cart): void {
  cart = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // private mode or full storage: the cart lives for this page only
  }
  listeners.forEach((listener) => listener());
}

export function useCart(): Cart {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => cart,
  );
}

export function addLine(line: Omit<CartLine, 'qty'>, cartId: string): void {
  const existing = cart.lines.find((l) => l.id === line.id);
  const lines = existing
    ? cart.lines.map((l) => (l.id === line.id ? { ...l, qty: l.qty + 1 } : l))
    : [...cart.lines, { ...line, qty: 1 }];
  save({ cartId, lines });
}

export function clearCart(): void {
  save({ lines: [] });
}

export const cartTotal = (c: Cart): number => c.lines.reduce((sum, l) => sum + l.price * l.qty, 0);
export const cartCount = (c: Cart): number => c.lines.reduce((sum, l) => sum + l.qty, 0);
