import { useEffect, useState, type ReactNode } from 'react';
import { withRenderTracking } from '../../../../src/react/index';
import { getProducts, type Product } from '../api';
import { ProductCard } from './home';

function ProductGrid({ products }: { products: Product[] }): ReactNode {
  return (
    <div className="grid" id="product-grid">
      {products.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </div>
  );
}

/** Mount time of the grid (one `component_render` event per mount). */
const TrackedGrid = withRenderTracking(ProductGrid, 'ProductGrid');

export function Products(): ReactNode {
  const [products, setProducts] = useState<Product[] | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    getProducts()
      .then((res) => (res.ok ? setProducts(res.body) : setFailed(true)))
      .catch(() => setFailed(true));
  }, []);
  return (
    <section>
      <h1>All products</h1>
      {failed && <p className="error">The catalogue is unavailable. Please try again.</p>}
      {!products && !failed && <p className="muted">Loading products…</p>}
      {products && <TrackedGrid products={products} />}
    </section>
  );
}
