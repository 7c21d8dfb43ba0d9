import { useState, type ReactNode } from 'react';
import { useJourneyStep } from '../../../../src/react/index';
import { cartCount, cartTotal, useCart } from '../cart';
import { Link } from '../router';
import { formatPrice } from '../shop';

/** How long "Apply" blocks the main thread: a slow interaction, so a poor INP on purpose. */
const COUPON_CHECK_MS = 320;

export const COUPONS: Record<string, number> = { SAVE10: 0.1 };

/** The discount the cart shows is carried to checkout in session storage. */
export const DISCOUNT_KEY = 'shop.discount';

export function CartPage(): ReactNode {
  const cart = useCart();
  useJourneyStep('view_cart', { 'shop.items': cartCount(cart) });
  const [code, setCode] = useState('SAVE10');
  const [discount, setDiscount] = useState(() => Number(sessionStorage.getItem(DISCOUNT_KEY)));
  const [message, setMessage] = useState('');

  const applyCoupon = (): void => {
    // Deliberately slow: a synchronous "validation" that blocks the main thread.
    const until = performance.now() + COUPON_CHECK_MS;
    while (performance.now() < until) {
      // busy
    }
    const rate = COUPONS[code.trim().toUpperCase()] ?? 0;
    setDiscount(rate);
    sessionStorage.setItem(DISCOUNT_KEY, String(rate));
    setMessage(rate ? `Coupon applied: ${rate * 100}% off.` : 'Unknown code.');
  };

  if (cart.lines.length === 0) {
    return (
      <section className="panel">
        <h1>Your cart is empty</h1>
        <Link to="/products" name="continue-shopping" className="button">
          Browse products
        </Link>
      </section>
    );
  }
  const total = cartTotal(cart) * (1 - (discount || 0));
  return (
    <section className="panel">
      <h1>Your cart</h1>
      <table className="lines">
        <tbody>
          {cart.lines.map((l) => (
            <tr key={l.id}>
              <td>
                <Link to={`/product/${l.id}`} name="cart-item">
                  {l.name}
                </Link>
              </td>
              <td>× {l.qty}</td>
              <td className="num">{formatPrice(l.price * l.qty)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="coupon">
        <input
          id="coupon-code"
          aria-label="Coupon code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        <button id="apply-coupon" data-rum-name="apply-coupon" onClick={applyCoupon}>
          Apply coupon
        </button>
        {message && <span className="muted">{message}</span>}
      </div>
      <p className="total">
        Total <strong id="cart-total">{formatPrice(total)}</strong>
      </p>
      <Link to="/checkout" name="checkout" className="button">
        Checkout
      </Link>
    </section>
  );
}
