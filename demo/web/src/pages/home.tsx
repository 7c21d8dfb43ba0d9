import { useEffect, useState, type ReactNode } from 'react';
import { useRenderTracking } from '../../../../src/react/index';
import { getRecommendations, productHue, type Product } from '../api';
import { Link } from '../router';
import { formatPrice } from '../shop';

export function Home(): ReactNode {
  useRenderTracking('Home');
  const [recommended, setRecommended] = useState<Product[]>([]);
  useEffect(() => {
    let live = true;
    // Deliberately no catch: when the recommendations service fails, the rejection goes
    // unhandled, as it so often does in real apps; the SDK reports it as an error span.
    void getRecommendations().then((products) => {
      if (live) setRecommended(products);
    });
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      <section className="intro">
        <h1>Gear for the long way round</h1>
        <p>Shoes, jackets and packs tested on real trails. Shipped in two days.</p>
        <Link to="/products" name="shop-all" className="button">
          Shop all products
        </Link>
      </section>
      <section>
        <h2>Recommended for you</h2>
        {recommended.length === 0 ? (
          <p className="muted">Finding something you will like…</p>
        ) : (
          <div className="grid">
            {recommended.map((p) => (
              <ProductCard key={p.id} product={p} />
            ))}
          </div>
        )}
      </section>
    </>
  );
}

export function ProductCard({ product }: { product: Product }): ReactNode {
  const hue = productHue(product.id);
  return (
    <Link to={`/product/${product.id}`} name="product-card" className="card">
      <div
        className="thumb"
        style={{ background: `linear-gradient(135deg, hsl(${hue} 45% 70%), hsl(${hue} 50% 35%))` }}
      />
      <span className="card-name">{product.name}</span>
      <span className="price">{formatPrice(product.price)}</span>
    </Link>
  );
}
