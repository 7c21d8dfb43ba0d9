// Realistic RUM traffic as OTLP/HTTP JSON batches, for the collector bench and the pipeline
// scale test: 40 route templates, 60 countries, 3 device classes, 4 effective connection types
// and 7 browser families, all varying together, each Zipf-popular; page views made of the spans
// the SDK sends (page_load, five vitals, HTTP calls, clicks, long animation frames, now and then
// an error, a session start, a custom event), 20 spans per batch, one visitor per batch.
// Seeded: the same seed gives the same traffic. `ledger` keeps every counted value by dimension
// so a test can compare Prometheus' answers with the truth.
import { random } from '../lib/random.mjs';

const SECTIONS = ['shop', 'product', 'cart', 'account', 'docs', 'blog', 'search', 'help'];
export const ROUTES = Array.from({ length: 40 }, (_, i) =>
  i === 0 ? '/' : `/${SECTIONS[i % 8]}/p${i}${i % 3 ? '' : '/:id'}`,
);
// 60 ISO 3166-1 alpha-2 codes, most populous traffic first
export const COUNTRIES = (
  'US IN DE GB FR BR JP CA IT ES MX AU NL KR ID PL TR SE CH BE AR AT NO DK FI IE PT CZ RO HU ' +
  'GR IL ZA NG EG SA AE SG MY TH VN PH PK BD CL CO PE NZ UA KE MA DZ TW HK CN RU KZ LT LV EE'
).split(' ');
export const DEVICES = ['desktop', 'mobile', 'tablet'];
export const CONNECTIONS = ['4g', '3g', '2g', 'slow-2g'];
export const BROWSERS = ['chrome', 'safari', 'edge', 'firefox', 'samsung', 'opera', 'webview'];
export const ENDPOINTS = Array.from(
  { length: 20 },
  (_, i) => `/api/v1/${['items', 'cart', 'user', 'search', 'price'][i % 5]}${i}/:id`,
);
export const EVENTS = [
  'add_to_cart',
  'checkout_started',
  'checkout_completed',
  'search',
  'signup',
  'login',
  'share',
  'wishlist',
  'filter',
  'coupon',
];
/** Metric name -> [good bound, poor bound] (web.dev thresholds). */
export const THRESHOLDS = {
  lcp: [2500, 4000],
  inp: [200, 500],
  cls: [0.1, 0.25],
  fcp: [1800, 3000],
  ttfb: [800, 1800],
};
const MEDIANS = { lcp: 2100, inp: 140, cls: 0.06, fcp: 1300, ttfb: 450 };

/** Zipf(s) sampler over n items: item 0 is the most popular. */
function zipf(n, s, rnd) {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  const cdf = [];
  let acc = 0;
  for (const x of w) cdf.push((acc += x / total));
  return () => {
    const u = rnd();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const kv = (key, v) => ({
  key,
  value:
    typeof v === 'boolean'
      ? { boolValue: v }
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v }
        : { stringValue: String(v) },
});

/** The per-dimension truth: dimension -> value -> metric -> numbers sent (counted reports only). */
function newLedger() {
  return { vitals: {}, pageViews: {}, errors: {}, sessions: {}, events: {}, spans: 0 };
}
function record(map, dims, metric, value) {
  for (const [dim, v] of Object.entries(dims)) {
    const byValue = (map[dim] ??= {});
    const byMetric = (byValue[v] ??= {});
    if (metric === undefined) byMetric.n = (byMetric.n ?? 0) + 1;
    else (byMetric[metric] ??= []).push(value);
  }
}

/**
 * A traffic source. `next()` returns one batch: { body (JSON string), country, spans }.
 * @param {{ seed?: number, service?: string, environment?: string, batchSize?: number }} o
 */
export function traffic(o = {}) {
  const rnd = random(o.seed ?? 1);
  const batchSize = o.batchSize ?? 20;
  const pick = {
    route: zipf(ROUTES.length, 1.0, rnd),
    country: zipf(COUNTRIES.length, 1.1, rnd),
    device: zipf(DEVICES.length, 1.2, rnd),
    connection: zipf(CONNECTIONS.length, 2.2, rnd),
    browser: zipf(BROWSERS.length, 1.3, rnd),
    endpoint: zipf(ENDPOINTS.length, 1.0, rnd),
    event: zipf(EVENTS.length, 1.0, rnd),
  };
  const ledger = newLedger();
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ((rnd() * 256) | 0).toString(16).padStart(2, '0');
    return s;
  };
  // a log-normal value around the metric's median, slower on slow networks, phones and some routes
  const vital = (name, factor) => {
    const u = Math.max(rnd(), 1e-9);
    const v = rnd();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const x = MEDIANS[name] * factor * Math.exp(0.55 * normal);
    return name === 'cls' ? Math.round(x * 1e4) / 1e4 : Math.round(x * 10) / 10;
  };
  const resource = (service) => ({
    attributes: [
      kv('service.name', service),
      kv('deployment.environment.name', o.environment ?? 'bench'),
      kv('service.version', '1.0.0'),
      kv('telemetry.sdk.name', 'otel-rum'),
      kv('user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0'),
    ],
  });

  /** The spans of one page view by one visitor. */
  function pageView(visitor) {
    const r = pick.route();
    const route = ROUTES[r];
    const dims = {
      route,
      device: visitor.device,
      connection: visitor.connection,
      browser: visitor.browser,
      country: visitor.country,
    };
    const factor =
      (1 + (r % 7) * 0.12) *
      (visitor.device === 'mobile' ? 1.35 : 1) *
      ({ '4g': 1, '3g': 1.6, '2g': 2.4, 'slow-2g': 3.2 }[visitor.connection] ?? 1);
    const common = [
      kv('session.id', visitor.session),
      kv('rum.page.route', route),
      kv('rum.page.url', `https://shop.example${route.replace(':id', String((rnd() * 1e6) | 0))}`),
      kv('rum.page.view_id', hex(8)),
      kv('rum.device.class', visitor.device),
      kv('rum.network.effective_type', visitor.connection),
      kv('rum.browser.family', visitor.browser),
      kv('network.connection.type', 'wifi'),
    ];
    const now = BigInt(Date.now()) * 1_000_000n;
    const trace = hex(16);
    const spans = [];
    const span = (name, attrs = [], kind = 1, ms = 1, status = 0) =>
      spans.push({
        traceId: name === 'page_load' ? trace : hex(16),
        spanId: hex(8),
        name,
        kind,
        startTimeUnixNano: String(now - BigInt(Math.round(ms * 1e6))),
        endTimeUnixNano: String(now),
        attributes: [...common, ...attrs],
        status: status ? { code: status } : {},
      });
    if (visitor.newSession) {
      span('session_start');
      record(ledger.sessions, dims);
      visitor.newSession = false;
    }
    span('page_load', [kv('rum.page.load_ms', (rnd() * 3000) | 0)], 1, 1500);
    record(ledger.pageViews, dims);
    let lcpRating = 'unknown';
    for (const name of ['ttfb', 'fcp', 'lcp', 'cls', 'inp']) {
      if (name === 'inp' && rnd() < 0.3) continue; // no interaction, no INP
      const value = vital(name, name === 'cls' ? 1 : factor);
      const [good, poor] = THRESHOLDS[name];
      const rating = value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
      if (name === 'lcp') lcpRating = rating;
      span('web_vital', [
        kv('browser.web_vital.name', name),
        kv('browser.web_vital.value', value),
        kv('browser.web_vital.delta', value),
        kv('browser.web_vital.id', `v5-${hex(6)}`),
        kv('browser.web_vital.rating', rating),
        kv('rum.web_vital.repeat', false),
      ]);
      record(ledger.vitals, dims, name, value);
      // one report in ten is repeated (a later change of the same metric id): never counted
      if (rnd() < 0.1)
        span('web_vital', [
          kv('browser.web_vital.name', name),
          kv('browser.web_vital.value', value * 1.1),
          kv('rum.web_vital.repeat', true),
        ]);
    }
    const calls = 1 + ((rnd() * 3) | 0);
    for (let i = 0; i < calls; i++) {
      const endpoint = ENDPOINTS[pick.endpoint()];
      const failed = rnd() < 0.03;
      const method = rnd() < 0.8 ? 'GET' : 'POST';
      span(
        `HTTP ${method}`,
        [
          kv('http.request.method', method),
          kv('url.full', `https://api.example${endpoint.replace(':id', hex(3))}?q=${hex(4)}`),
          kv('url.template', endpoint),
          kv('http.response.status_code', failed ? 500 : 200),
        ],
        3,
        40 + rnd() * 400 * factor,
        failed ? 2 : 0,
      );
    }
    if (rnd() < 0.7)
      span('click', [kv('rum.interaction.target', 'button#buy')], 1, 20 + rnd() * 300);
    const loafs = (rnd() * 3) | 0;
    for (let i = 0; i < loafs; i++)
      span('long_animation_frame', [kv('rum.loaf.blocking_ms', (rnd() * 120) | 0)], 1, 60);
    if (rnd() < 0.05) {
      span('error', [
        kv('exception.type', 'TypeError'),
        kv(
          'exception.message',
          `Cannot read properties of undefined (reading 'x${(rnd() * 20) | 0}')`,
        ),
        kv('exception.stacktrace', 'TypeError: x\n    at a (https://shop.example/app.js:1:4821)'),
      ]);
      record(ledger.errors, dims);
    }
    if (rnd() < 0.3) {
      const name = EVENTS[pick.event()];
      span('custom_event', [kv('rum.event.name', name), kv('rum.page.lcp_rating', lcpRating)]);
      const e = (ledger.events[name] ??= {});
      e[lcpRating] = (e[lcpRating] ?? 0) + 1;
    }
    return spans;
  }

  const service = o.service ?? 'bench-shop';
  let pending = [];
  let visitor;
  return {
    ledger,
    /** The next batch of at most `batchSize` spans, all from one visitor. */
    next() {
      if (pending.length === 0) {
        visitor = {
          session: hex(16),
          country: COUNTRIES[pick.country()],
          device: DEVICES[pick.device()],
          connection: CONNECTIONS[pick.connection()],
          browser: BROWSERS[pick.browser()],
          newSession: rnd() < 0.25,
        };
        const views = 1 + ((rnd() * 3) | 0);
        for (let i = 0; i < views; i++) pending.push(...pageView(visitor));
      }
      const spans = pending.slice(0, batchSize);
      pending = pending.slice(batchSize);
      ledger.spans += spans.length;
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: resource(service),
            scopeSpans: [{ scope: { name: 'otel-rum', version: '0.1.0' }, spans }],
          },
        ],
      });
      return { body, country: visitor.country, spans: spans.length };
    },
  };
}
