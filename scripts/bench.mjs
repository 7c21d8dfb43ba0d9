// `npm run bench`: our figures side by side with the alternatives.
//  1. bundle size, min+gzip, of our IIFE vs a hand-made OpenTelemetry + web-vitals bundle and
//     web-vitals alone, all built with the same esbuild settings;
//  2. main-thread cost in Chromium: script evaluation and init call, median of repeated loads.
// Later sections (wire bytes, collector load) are added by the modules they measure.
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './lib/chromium.mjs';

const LOADS = Number(process.env.BENCH_LOADS ?? 21);
const out = mkdtempSync(join(tmpdir(), 'otel-rum-bench-'));

async function bundle(name, contents) {
  const outfile = join(out, `${name}.js`);
  await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: 'Lib',
    minify: true,
    target: 'es2020',
    legalComments: 'none',
    outfile,
  });
  return outfile;
}

const size = (file) => {
  const raw = readFileSync(file);
  return { min: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
};

if (!existsSync('dist/otel-rum.iife.js')) {
  console.error('run `npm run build` first');
  process.exit(1);
}
const candidates = {
  'otel-rum (ours)': 'dist/otel-rum.iife.js',
  'bare OTel web + OTLP + web-vitals': await bundle(
    'bare',
    "export { init } from './bench/bare-otel';",
  ),
  'web-vitals attribution alone': await bundle(
    'vitals',
    "import { onCLS, onINP, onLCP, onFCP, onTTFB } from 'web-vitals/attribution'; export function init() { const r = () => {}; onLCP(r); onINP(r); onCLS(r); onFCP(r); onTTFB(r); }",
  ),
};

console.log('\n## Bundle size (minified, gzip -9)\n');
console.log('| bundle | min bytes | gzip bytes | vs ours |');
console.log('|---|---:|---:|---:|');
const ours = size(candidates['otel-rum (ours)']);
for (const [name, file] of Object.entries(candidates)) {
  const s = size(file);
  console.log(`| ${name} | ${s.min} | ${s.gzip} | ${(s.gzip / ours.gzip).toFixed(2)}x |`);
}

// --- main-thread time in Chromium ---
const inits = {
  'otel-rum (ours)': "OtelRum.initRum({ serviceName: 'bench', endpoint: ENDPOINT })",
  'bare OTel web + OTLP + web-vitals': 'Lib.init(ENDPOINT)',
  'web-vitals attribution alone': 'Lib.init()',
};
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/lib.js') {
    res
      .writeHead(200, { 'content-type': 'text/javascript' })
      .end(readFileSync(candidates[url.searchParams.get('c')]));
    return;
  }
  if (url.pathname === '/v1/traces') {
    res.writeHead(200, { 'access-control-allow-origin': '*' }).end('{}');
    return;
  }
  const c = url.searchParams.get('c');
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>
<script>window.t0 = performance.now();</script>
<script src="/lib.js?c=${encodeURIComponent(c)}"></script>
<script>
  window.t1 = performance.now();
  const ENDPOINT = location.origin;
  ${inits[c]};
  window.t2 = performance.now();
</script></head><body><h1>bench</h1></body></html>`);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\n## Main-thread time in Chromium (median of ${LOADS} fresh loads, ms)\n`);
console.log('| bundle | evaluate script | init call | total | vs ours |');
console.log('|---|---:|---:|---:|---:|');
const results = {};
for (const name of Object.keys(inits)) {
  const evals = [];
  const calls = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/?c=${encodeURIComponent(name)}`);
    const t = await page.evaluate(() => [window.t1 - window.t0, window.t2 - window.t1]);
    evals.push(t[0]);
    calls.push(t[1]);
    await context.close();
  }
  results[name] = { evaluate: median(evals), init: median(calls) };
}
const oursTotal = results['otel-rum (ours)'].evaluate + results['otel-rum (ours)'].init;
for (const [name, r] of Object.entries(results)) {
  const total = r.evaluate + r.init;
  console.log(
    `| ${name} | ${r.evaluate.toFixed(1)} | ${r.init.toFixed(1)} | ${total.toFixed(1)} | ${(total / oursTotal).toFixed(2)}x |`,
  );
}
await browser.close();
server.close();

// bytes on the wire per page view
await (await import('./bench-wire.mjs')).bench();

// the collector under load: spans/s accepted, peak memory, behaviour past capacity
if (process.env.BENCH_SKIP_COLLECTOR !== '1') {
  console.log('\n## Collector under load (our build, our config, 127.0.0.1)\n');
  await (
    await import('./collector/load.mjs')
  ).runLoad({ seconds: Number(process.env.BENCH_LOAD_SECONDS ?? 10) });
  // the shipped config against a receive-only floor, on realistic traffic (npm run bench:collector)
  await (
    await import('./collector/bench.mjs')
  ).benchCollector({ spans: Number(process.env.BENCH_COLLECTOR_SPANS ?? 1_000_000) });
}
writeFileSync(join(out, 'done'), '');
