// `npm run bench`: our figures side by side with the alternatives.
//  1. bundle size, min+gzip: our script-tag loader (the critical path), the rest it loads after
//     the load event, both together and the one-file build, vs a hand-made OpenTelemetry +
//     web-vitals bundle and web-vitals alone, all built with the same esbuild settings;
//  2. main thread during load in Chromium (scripts/bench-load.mjs): evaluation, init, our CPU in
//     total and in the busiest task, long tasks, heap after GC; loads interleaved, medians.
// Later sections (wire bytes, collector load) are added by the modules they measure.
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { benchLoad } from './bench-load.mjs';

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
const OURS = 'otel-rum (ours)';
const ONE_FILE = 'otel-rum, one file';
const BARE = 'bare OTel web + OTLP + fetch/XHR + web-vitals';
// the same features on both sides: bare's instrumentations only in ours, our attributes in bare's
const OURS_MATCHED = 'otel-rum, only fetch/XHR + web-vitals';
const BARE_MATCHED = 'bare OTel web + our attributes and session id';
const candidates = {
  [OURS]: 'dist/otel-rum.iife.js',
  [ONE_FILE]: 'dist/otel-rum.all.iife.js',
  [BARE]: await bundle('bare', "export { init } from './bench/bare-otel';"),
  [BARE_MATCHED]: await bundle(
    'bare-attributes',
    "export { initWithAttributes as init } from './bench/bare-otel';",
  ),
  'web-vitals attribution alone': await bundle(
    'vitals',
    "import { onCLS, onINP, onLCP, onFCP, onTTFB } from 'web-vitals/attribution'; export function init() { const r = () => {}; onLCP(r); onINP(r); onCLS(r); onFCP(r); onTTFB(r); }",
  ),
};

console.log('\n## Bundle size (minified, gzip -9)\n');
console.log(
  '| bundle | before load: min / gzip bytes | in all: min / gzip bytes | in all vs ours |',
);
console.log('|---|---:|---:|---:|');
const loader = size(candidates[OURS]);
const lazy = size('dist/otel-rum.lazy.js');
const ours = { min: loader.min + lazy.min, gzip: loader.gzip + lazy.gzip };
const sizes = { ...Object.fromEntries(Object.entries(candidates).map(([n, f]) => [n, size(f)])) };
for (const [name, s] of Object.entries(sizes)) {
  const first = name === OURS ? loader : s;
  const all = name === OURS ? ours : s;
  console.log(
    `| ${name} | ${first.min} / ${first.gzip} | ${all.min} / ${all.gzip} | ${(all.gzip / ours.gzip).toFixed(2)}x |`,
  );
}
console.log(
  `\nours: the loader (otel-rum.iife.js) runs before the page's code; otel-rum.lazy.js (${lazy.gzip} B) loads after the load event, never for an unsampled session`,
);

// --- main-thread time in Chromium: evaluation, init, our CPU per task, long tasks, heap ---
const ENDPOINT_INIT = {
  [OURS]: "OtelRum.initRum({ serviceName: 'bench', endpoint: ENDPOINT })",
  [ONE_FILE]: "OtelRum.initRum({ serviceName: 'bench', endpoint: ENDPOINT })",
  [BARE]: 'Lib.init(ENDPOINT)',
  [OURS_MATCHED]:
    "OtelRum.initRum({ serviceName: 'bench', endpoint: ENDPOINT, instrumentations: { pageLoad: false, navigation: false, errors: false, interactions: false, longAnimationFrames: false } })",
  [BARE_MATCHED]: 'Lib.init(ENDPOINT)',
  'web-vitals attribution alone': 'Lib.init()',
};
const rows = await benchLoad(
  Object.fromEntries(
    Object.entries(ENDPOINT_INIT).map(([name, init]) => [
      name,
      {
        file: candidates[name === OURS_MATCHED ? OURS : name],
        init,
        lazy: name === OURS || name === OURS_MATCHED ? 'dist/otel-rum.lazy.js' : undefined,
        // sends a batch of its own (web-vitals alone only reports to a callback)
        sends: name !== 'web-vitals attribution alone',
      },
    ]),
  ),
  LOADS,
);
const ratio = (a, b, key = 'total') => (rows[a][key] / rows[b][key]).toFixed(2);
console.log(
  `\nours vs bare OpenTelemetry web: eval + init ${ratio(OURS, BARE)}x, heap after GC ${ratio(OURS, BARE, 'heapKB')}x; ` +
    `eval + init ${ratio(OURS, 'web-vitals attribution alone')}x web-vitals alone`,
);
console.log(
  `the same features (bare's instrumentations, our attributes): eval + init ${ratio(OURS_MATCHED, BARE_MATCHED)}x, ` +
    `heap after GC ${ratio(OURS_MATCHED, BARE_MATCHED, 'heapKB')}x`,
);

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
