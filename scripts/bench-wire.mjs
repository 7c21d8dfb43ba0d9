// Bytes on the wire per page view: what the SDK really sends for a typical page view (load,
// vitals, a click, a custom event), compressed as sent and raw, in Debian's Chromium; the page
// sending by itself side by side with the relay service worker sending for it.
import { launchChromium } from './lib/chromium.mjs';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const VIEWS = Number(process.env.BENCH_WIRE_VIEWS ?? 10);

async function measure(relay) {
  const received = { requests: 0, wire: 0, raw: 0, spans: 0 };
  const collector = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, content-encoding');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      received.requests++;
      received.wire += body.length;
      received.raw += raw.length;
      received.spans += (raw.toString().match(/"spanId"/g) ?? []).length;
      res.writeHead(200).end('{}');
    });
  });
  await new Promise((r) => collector.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${collector.address().port}`;
  const site = createServer((req, res) => {
    const script = ['/otel-rum.iife.js', '/otel-rum.lazy.js', '/otel-rum-sw.js'].find((s) =>
      req.url.startsWith(s),
    );
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(`dist${script}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>
<script src="/otel-rum.iife.js"></script>
<script>window.rum = OtelRum.initRum({ serviceName: 'shop-web', serviceVersion: '1.0.0', environment: 'production', endpoint: '${endpoint}'${relay ? ", serviceWorker: '/otel-rum-sw.js'" : ''} });</script>
</head><body><h1 id="t">Product 42</h1><p>${'Lorem ipsum dolor sit amet. '.repeat(40)}</p>
<button id="buy" onclick="document.getElementById('t').textContent='added'; rum.trackEvent('add_to_cart', { sku: 'A-42' })">Add to cart</button>
</body></html>`);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${site.address().port}/product/42`;
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  if (relay) {
    // a returning visitor: the worker is installed, and what the first visit sent is not counted
    await page.goto(`${url}?v=first`);
    await page.waitForFunction(() => !!localStorage.getItem('otel_rum_relay'));
    await page.evaluate(() => window.rum.flush());
    await page.waitForTimeout(500);
    Object.assign(received, { requests: 0, wire: 0, raw: 0, spans: 0 });
  }
  for (let i = 0; i < VIEWS; i++) {
    await page.goto(`${url}?v=${i}`);
    await page.waitForTimeout(300);
    await page.click('#buy');
    await page.waitForTimeout(1_200);
    await page.evaluate(() => window.rum.flush());
  }
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 1_000));
  await browser.close();
  collector.close();
  site.close();
  return received;
}

export async function bench() {
  const self = await measure(false);
  const relayed = await measure(true);
  const per = (n) => Math.round(n / VIEWS);
  console.log(
    `\n## Bytes on the wire per page view (Chromium, ${VIEWS} views: load, vitals, a click, a custom event)\n`,
  );
  console.log('| per page view | the page sends | the relay worker sends |');
  console.log('|---|---:|---:|');
  const row = (label, f) => console.log(`| ${label} | ${f(self)} | ${f(relayed)} |`);
  row('requests', (r) => (r.requests / VIEWS).toFixed(1));
  row('spans', (r) => (r.spans / VIEWS).toFixed(1));
  row('bytes sent (gzip where CompressionStream exists)', (r) => per(r.wire));
  row('bytes raw OTLP/JSON', (r) => per(r.raw));
  row('compression ratio', (r) => `${(r.raw / r.wire).toFixed(2)}x`);
  return self;
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
