// The shell: header with the cart, a promo banner that arrives late (a deliberate layout shift:
// it pushes the page down ~1 s after load), and one page per route template.
import { useEffect, useState, type ReactNode } from 'react';
import { cartCount, useCart } from './cart';
import { Link, matchPath, usePath } from './router';
import { stats } from './shop';
import { Home } from './pages/home';
import { Products } from './pages/products';
import { ProductPage } from './pages/product';
import { CartPage } from './pages/cart';
import { CheckoutPage } from './pages/checkout';
import { OrderPage } from './pages/order';

/** Keep in step with `routes` in index.html: these are the SDK's `rum.page.route` values. */
const PAGES: [string, (params: Record<string, string>) => ReactNode][] = [
  ['/', () => <Home />],
  ['/products', () => <Products />],
  ['/product/:id', (p) => <ProductPage key={p.id} id={Number(p.id)} />],
  ['/cart', () => <CartPage />],
  ['/checkout', () => <CheckoutPage />],
  ['/order/:id', (p) => <OrderPage key={p.id} orderId={p.id!} />],
];

/** When the banner shows up: late enough to move content the visitor is already looking at. */
const PROMO_DELAY_MS = 1_000;

function route(path: string): { template: string; page: ReactNode } {
  for (const [template, render] of PAGES) {
    const params = matchPath(template, path);
    if (params) return { template, page: render(params) };
  }
  return { template: 'not-found', page: <NotFound /> };
}

function NotFound(): ReactNode {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <Link to="/">Back to the shop</Link>
    </section>
  );
}

function PromoBanner(): ReactNode {
  const [shown, setShown] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setShown(true), PROMO_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);
  if (!shown || dismissed) return null;
  return (
    <div className="promo" id="promo-banner" role="note">
      <strong>Spring sale:</strong> free shipping on every order, and 10% off with code{' '}
      <code>SAVE10</code>.
      <button
        className="link-button"
        data-rum-name="dismiss-promo"
        onClick={() => setDismissed(true)}
      >
        Dismiss
      </button>
    </div>
  );
}

export function App(): ReactNode {
  const path = usePath();
  const cart = useCart();
  const { template, page } = route(path);
  useEffect(() => {
    stats.pageViews++;
  }, [path]);
  return (
    <>
      <header className="header">
        <Link to="/" name="nav-home" className="logo">
          ▲ Trailhead
        </Link>
        <nav>
          <Link to="/products" name="nav-products">
            Products
          </Link>
          <Link to="/cart" name="nav-cart" className="cart-link">
            Cart <span className="badge">{cartCount(cart)}</span>
          </Link>
        </nav>
      </header>
      <PromoBanner />
      <main data-route={template}>{page}</main>
      <footer className="footer">
        A demo shop for otel-rum: every page view, vital, click and API call here is an
        OpenTelemetry span.
      </footer>
    </>
  );
}
