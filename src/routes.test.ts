import { describe, expect, it } from 'vitest';
import { compileRoutes, routeTemplate } from './routes';

describe('route templates', () => {
  const routes = compileRoutes(['/product/:id', '/cart', '/docs/*']);
  it.each([
    ['/product/123', '/product/:id'],
    ['/product/blue-shoes', '/product/:id'],
    ['/cart', '/cart'],
    ['/docs/a/b/c', '/docs/*'],
    ['/', '/'],
  ])('configured: %s -> %s', (path, template) => {
    expect(routeTemplate(path, routes)).toBe(template);
  });

  it.each([
    ['/orders/12345/items/7', '/orders/:id/items/:id'],
    ['/u/550e8400-e29b-41d4-a716-446655440000', '/u/:id'],
    ['/commit/9f86d081884c7d659a2feaa0c55ad015', '/commit/:id'],
    ['/users/jane.doe@example.com/profile', '/users/:id/profile'],
    ['/t/aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ', '/t/:id'],
    ['/blog/how-to-measure-web-vitals', '/blog/how-to-measure-web-vitals'],
    ['/a/b/c/d/e/f/g/h/i/j', '/a/b/c/d/e/f/g/h/*'],
    ['/api/v2/sku-12345', '/api/v2/:id'],
    ['/api/v1.10/mp3/2fa', '/api/v1.10/mp3/2fa'],
  ])('default collapses ids: %s -> %s', (path, template) => {
    expect(routeTemplate(path, [])).toBe(template);
  });

  it('keeps the set of templates bounded over many distinct URLs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      seen.add(routeTemplate(`/product/${i}/reviews/${(i * 7919).toString(16)}a1`, []));
    }
    expect(seen.size).toBe(1);
  });
});
