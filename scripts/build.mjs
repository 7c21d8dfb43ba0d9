// Builds the ESM library (dependencies external; the rest of the SDK split into a chunk loaded
// by a dynamic import()), the script-tag files (the loader `otel-rum.iife.js`, global `OtelRum`,
// and `otel-rum.lazy.js` it adds after load; `otel-rum.all.iife.js` has both in one file), the
// relay service worker (ESM and standalone) and the type declarations. Each script-tag file's
// esbuild metafile goes to dist/meta/ (what each dependency costs: scripts/size.mjs).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, target: 'es2020', sourcemap: true, logLevel: 'warning' };
const script = (entry, outfile, extra = {}) =>
  build({
    ...common,
    entryPoints: [entry],
    format: 'iife',
    outfile,
    minify: true,
    legalComments: 'none',
    metafile: true,
    ...extra,
  }).then(({ metafile }) => {
    mkdirSync('dist/meta', { recursive: true });
    const name = outfile.replace(/^dist\//, '').replace(/\.js$/, '');
    writeFileSync(`dist/meta/${name}.json`, JSON.stringify(metafile));
  });
await Promise.all([
  build({
    ...common,
    entryPoints: ['src/index.ts'],
    format: 'esm',
    splitting: true,
    outdir: 'dist',
    chunkNames: 'chunks/[name]-[hash]',
    external,
  }),
  build({
    ...common,
    entryPoints: ['src/react/index.ts'],
    format: 'esm',
    outfile: 'dist/react.js',
    external: ['react'],
  }),
  build({
    ...common,
    entryPoints: ['src/sw.ts'],
    format: 'esm',
    outfile: 'dist/sw.js',
  }),
  build({
    ...common,
    entryPoints: ['src/sw-standalone.ts'],
    format: 'iife',
    outfile: 'dist/otel-rum-sw.js',
    minify: true,
    legalComments: 'none',
  }),
  script('src/iife.ts', 'dist/otel-rum.iife.js', { globalName: 'OtelRum' }),
  // built against the loader's copy of @opentelemetry/api (src/lazy-api.ts): one copy per page
  script('src/lazy-iife.ts', 'dist/otel-rum.lazy.js', {
    alias: { '@opentelemetry/api': './src/lazy-api.ts' },
  }),
  script('src/iife-all.ts', 'dist/otel-rum.all.iife.js', { globalName: 'OtelRum' }),
]);
execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
