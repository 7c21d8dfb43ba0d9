// The shop API (demo/api/routes.cjs) on its own origin. The SDK traces each call and sends
// `traceparent`, so the API's server span joins the page's trace.
import { API } from './shop';

export interface Product {
  id: number;
  name: string;
  price: number;
}

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  body: T;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const res = await fetch(`${API}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: (await res.json()) as T };
}

export const getProducts = () => call<Product[]>('GET', '/api/products');
export const getProduct = (id: number) => call<Product>('GET', `/api/products/${id}`);
export const addToCart = (productId: number, cartId?: string) =>
  call<{ cartId: string; items: number }>('POST', '/api/cart', { productId, cartId });
export const checkout = (cartId: string | undefined, total: number) =>
  call<{ orderId?: string; error?: string }>('POST', '/api/checkout', { cartId, total });

/** Rejects when the recommendations service fails (it does, now and then, on purpose). */
export async function getRecommendations(): Promise<Product[]> {
  const res = await call<Product[]>('GET', '/api/recommendations');
  if (!res.ok) throw new Error(`recommendations service failed: HTTP ${res.status}`);
  return res.body;
}

/** The hero image of a product: one of six generated landscapes (demo/web/images.mjs). */
export const heroUrl = (id: number): string => `/img/hero-${((id - 1) % 6) + 1}.png`;

/** A product's tint, for thumbnails drawn in CSS. */
export const productHue = (id: number): number => (id * 47) % 360;
