import { useState, type FormEvent, type ReactNode } from 'react';
import { useJourneyStep } from '../../../../src/react/index';
import { checkout } from '../api';
import { cartCount, cartTotal, clearCart, useCart } from '../cart';
import { Link, navigate } from '../router';
import { formatPrice, stats, trackEvent } from '../shop';
import { DISCOUNT_KEY } from './cart';

/** The finished order, for the confirmation page. */
export const ORDER_KEY = 'shop.lastOrder';

export function CheckoutPage(): ReactNode {
  const cart = useCart();
  useJourneyStep('begin_checkout', { 'shop.items': cartCount(cart) });
  const [state, setState] = useState<'idle' | 'paying' | 'failed'>('idle');
  const discount = Number(sessionStorage.getItem(DISCOUNT_KEY)) || 0;
  const total = Math.round(cartTotal(cart) * (1 - discount) * 100) / 100;

  const pay = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setState('paying');
    try {
      const res = await checkout(cart.cartId, total);
      if (!res.ok || !res.body.orderId) throw new Error(res.body.error ?? `HTTP ${res.status}`);
      stats.conversions++;
      stats.revenue += total;
      // the conversion: a custom event carrying the order value (and the page's LCP rating)
      trackEvent('checkout_completed', { value: total, 'shop.items': cartCount(cart) });
      sessionStorage.setItem(ORDER_KEY, JSON.stringify({ id: res.body.orderId, total }));
      sessionStorage.removeItem(DISCOUNT_KEY);
      clearCart();
      navigate(`/order/${res.body.orderId}`);
    } catch (err) {
      stats.checkoutFailures++;
      trackEvent('checkout_failed', { value: total, 'shop.reason': String(err).slice(0, 100) });
      setState('failed');
    }
  };

  if (cart.lines.length === 0) {
    return (
      <section className="panel">
        <h1>Nothing to check out</h1>
        <Link to="/products" name="continue-shopping">
          Browse products
        </Link>
      </section>
    );
  }
  return (
    <section className="panel">
      <h1>Checkout</h1>
      <form className="checkout" onSubmit={(e) => void pay(e)}>
        <label>
          Name <input name="name" defaultValue="Alex Walker" autoComplete="off" />
        </label>
        <label>
          Card <input name="card" defaultValue="demo card" autoComplete="off" />
        </label>
        <p className="total">
          To pay <strong id="checkout-total">{formatPrice(total)}</strong>
        </p>
        {state === 'failed' && (
          <p className="error" id="payment-error">
            The payment provider is unavailable. Please try again.
          </p>
        )}
        <button
          id="place-order"
          className="button"
          data-rum-name="place-order"
          disabled={state === 'paying'}
        >
          {state === 'paying' ? 'Paying…' : state === 'failed' ? 'Try again' : 'Place order'}
        </button>
      </form>
    </section>
  );
}
