// The demo shop's API. Requests from the page carry `traceparent` (the SDK propagates it to this
// origin), so the server span here joins the browser's trace; `Server-Timing` sends it back.
'use strict';
const { trace } = require('@opentelemetry/api');

const PRODUCTS = Array.from({ length: 12 }, (_, i) => ({
  id: i + 1,
  name:
    ['Trail shoe', 'Rain jacket', 'Wool socks', 'Day pack', 'Water bottle', 'Head torch'][i % 6] +
    ` ${i + 1}`,
  price: 19 + ((i * 37) % 180),
}));
const carts = new Map();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        resolve(body ? JSON.parse(body) : {});
      } catch {
        resolve(undefined);
      }
    });
  });
}

function createApi({ allowed, serverTiming }) {
  const isAllowed = (origin) =>
    !!origin && (allowed.has(origin) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin));
  return async (req, res) => {
    const origin = req.headers.origin;
    if (isAllowed(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, traceparent, tracestate');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      // let the page read Server-Timing from fetch and from Resource Timing
      res.setHeader('Access-Control-Expose-Headers', 'Server-Timing');
      res.setHeader('Timing-Allow-Origin', origin);
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/healthz') return void res.end('ok');
    serverTiming(res);
    const span = trace.getActiveSpan();
    const json = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // every endpoint can be slowed down for demos and tests
    const delay = Number(url.searchParams.get('delay') || 0);
    if (delay > 0) await sleep(Math.min(delay, 10_000));
    span?.setAttribute('demo.traceparent_received', String(req.headers.traceparent || ''));
    let m;
    if (req.method === 'GET' && url.pathname === '/api/echo-headers') {
      return json(200, {
        traceparent: req.headers.traceparent || null,
        tracestate: req.headers.tracestate || null,
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/products') return json(200, PRODUCTS);
    if (req.method === 'GET' && (m = url.pathname.match(/^\/api\/products\/(\d+)$/))) {
      const product = PRODUCTS.find((p) => p.id === Number(m[1]));
      return product ? json(200, product) : json(404, { error: 'no such product' });
    }
    if (req.method === 'GET' && url.pathname === '/api/recommendations') {
      // the shop's home page does not handle this failing: an unhandled rejection on purpose
      if (Math.random() < Number(process.env.DEMO_RECOMMENDATIONS_FAILURE_RATE || 0.1)) {
        return json(500, { error: 'recommendations unavailable' });
      }
      const start = Math.floor(Math.random() * PRODUCTS.length);
      return json(
        200,
        Array.from({ length: 4 }, (_, i) => PRODUCTS[(start + i * 5) % PRODUCTS.length]),
      );
    }
    if (req.method === 'POST' && url.pathname === '/api/cart') {
      const body = await readBody(req);
      if (!body || !body.productId) return json(400, { error: 'productId required' });
      const cart = carts.get(body.cartId) || [];
      cart.push(body.productId);
      const cartId = body.cartId || Math.random().toString(36).slice(2);
      carts.set(cartId, cart);
      if (carts.size > 10_000) carts.delete(carts.keys().next().value);
      return json(200, { cartId, items: cart.length });
    }
    if (req.method === 'POST' && url.pathname === '/api/checkout') {
      await sleep(80 + Math.random() * 120);
      if (Math.random() < Number(process.env.DEMO_CHECKOUT_FAILURE_RATE || 0.05)) {
        return json(503, { error: 'payment provider unavailable' });
      }
      return json(200, { orderId: Math.random().toString(36).slice(2, 10) });
    }
    if (url.pathname === '/api/error') return json(500, { error: 'deliberate failure' });
    json(404, { error: 'not found' });
  };
}

module.exports = { createApi };
