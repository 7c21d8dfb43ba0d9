import { useEffect, useState, type ReactNode } from 'react';
import { RumErrorBoundary, useJourneyStep } from '../../../../src/react/index';
import { addToCart, getProduct, heroUrl, type Product } from '../api';
import { addLine, useCart } from '../cart';
import { Link } from '../router';
import { formatPrice, stats, trackEvent } from '../shop';

interface Review {
  author: string;
  rating: { stars: number } | undefined;
  text: string;
}

/** Reviews as an old backend returns them: every sixth product's ratings are missing. */
function reviewsFor(id: number): Review[] {
  const authors = ['Sam', 'Ines', 'Kofi', 'Mei'];
  return authors.slice(0, 2 + (id % 3)).map((author, i) => ({
    author,
    rating: id % 6 === 0 && i === 1 ? undefined : { stars: 3 + ((id + i) % 3) },
    text: ['Comfortable from day one.', 'Survived a week of rain.', 'Light and sturdy.'][
      (id + i) % 3
    ]!,
  }));
}

function Reviews({ id }: { id: number }): ReactNode {
  return (
    <ul className="reviews">
      {reviewsFor(id).map((r) => (
        // throws a TypeError for a review without a rating: the boundary below reports it
        <li key={r.author}>
          <span className="stars">{'★'.repeat(r.rating!.stars)}</span> {r.text} <em>{r.author}</em>
        </li>
      ))}
    </ul>
  );
}

function ReviewsUnavailable(): ReactNode {
  useEffect(() => {
    stats.errors++;
  }, []);
  return <p className="muted">Reviews are unavailable right now.</p>;
}

export function ProductPage({ id }: { id: number }): ReactNode {
  useJourneyStep('view_item', { 'shop.product_id': id });
  const cart = useCart();
  const [product, setProduct] = useState<Product | undefined>();
  const [missing, setMissing] = useState(false);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState(false);
  useEffect(() => {
    getProduct(id)
      .then((res) => (res.ok ? setProduct(res.body) : setMissing(true)))
      .catch(() => setMissing(true));
  }, [id]);

  const add = async (): Promise<void> => {
    if (!product) return;
    setAdding(true);
    try {
      const res = await addToCart(product.id, cart.cartId);
      if (res.ok) {
        addLine(product, res.body.cartId);
        trackEvent('add_to_cart', { 'shop.product_id': product.id, value: product.price });
        setAdded(true);
      }
    } finally {
      setAdding(false);
    }
  };

  if (missing) {
    return (
      <section className="panel">
        <h1>No such product</h1>
        <Link to="/products">See all products</Link>
      </section>
    );
  }
  return (
    <article className="product">
      {/* The largest element on the page, so the LCP element of a product page. */}
      <img
        id="hero"
        className="hero"
        src={heroUrl(id)}
        width={800}
        height={350}
        alt=""
        fetchPriority="high"
      />
      <div className="product-info">
        <h1>{product?.name ?? 'Loading…'}</h1>
        <p className="price">{product ? formatPrice(product.price) : ''}</p>
        <p>
          Built for long days outside: breathable, repairable, and covered by our two-year warranty.
        </p>
        <button
          id="add-to-cart"
          className="button"
          data-rum-name="add-to-cart"
          disabled={!product || adding}
          onClick={() => void add()}
        >
          {adding ? 'Adding…' : 'Add to cart'}
        </button>
        {added && (
          <p className="added">
            Added to your cart.{' '}
            <Link to="/cart" name="go-to-cart">
              Go to cart
            </Link>
          </p>
        )}
      </div>
      <section className="product-reviews">
        <h2>Reviews</h2>
        <RumErrorBoundary
          fallback={<ReviewsUnavailable />}
          attributes={{ 'shop.product_id': id, 'shop.widget': 'reviews' }}
        >
          <Reviews id={id} />
        </RumErrorBoundary>
      </section>
    </article>
  );
}
