// Bundle size (min+gzip) per entry point, checked against the committed budget in budget.json.
// A budget key may add files up ("a.js + b.js": what a page loads in all). Exits non-zero when
// anything is over its budget. Then, from the esbuild metafiles (dist/meta/), what each
// dependency puts in each script-tag file (minified bytes, before gzip).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export function gzipSize(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

export function checkBudgets() {
  const budget = JSON.parse(readFileSync(new URL('../budget.json', import.meta.url), 'utf8'));
  return Object.entries(budget.gzipBytes).map(([files, limit]) => {
    const size = files.split(' + ').reduce((sum, file) => sum + gzipSize(file), 0);
    return { file: files, size, limit, ok: size <= limit };
  });
}

/** Minified bytes per package (own code: `src/<dir>`) in one output, largest first. */
export function dependencyCosts(metafile) {
  const meta = JSON.parse(readFileSync(metafile, 'utf8'));
  const costs = new Map();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? `own: ${input.replace(/^src\//, '').replace(/\/[^/]+$|\.ts$/, '')}`;
      costs.set(key, (costs.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...costs].sort((a, b) => b[1] - a[1]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = checkBudgets();
  for (const r of rows) {
    console.log(
      `${r.ok ? 'ok  ' : 'OVER'} ${r.file}: ${r.size} B gzip (budget ${r.limit} B, ${((100 * r.size) / r.limit).toFixed(1)}%)`,
    );
  }
  if (existsSync('dist/meta')) {
    for (const file of readdirSync('dist/meta').filter((f) => /^otel-rum\.(iife|lazy)/.test(f))) {
      const costs = dependencyCosts(`dist/meta/${file}`)
        .filter(([, bytes]) => bytes >= 500)
        .map(([name, bytes]) => `${name} ${(bytes / 1000).toFixed(1)}`);
      console.log(`  ${file.replace(/\.json$/, '.js')}, kB min: ${costs.join(', ')}`);
    }
  }
  // the lazy file uses the loader's copy of the OpenTelemetry API (src/lazy-api.ts): a second
  // copy would mean the alias stopped applying
  const lazyMeta = 'dist/meta/otel-rum.lazy.json';
  const apiTwice =
    existsSync(lazyMeta) &&
    dependencyCosts(lazyMeta).some(([name]) => name === '@opentelemetry/api');
  if (apiTwice) console.log('OVER dist/otel-rum.lazy.js bundles its own @opentelemetry/api');
  if (rows.some((r) => !r.ok) || apiTwice) process.exit(1);
}
