// Builds the ESM library (dependencies external), the script-tag IIFE (everything bundled,
// global `OtelRum`), the relay service worker (ESM and standalone) and the type declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {});

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, target: 'es2020', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({
    ...common,
    entryPoints: ['src/index.ts'],
    format: 'esm',
    outfile: 'dist/index.js',
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
  build({
    ...common,
    entryPoints: ['src/iife.ts'],
    format: 'iife',
    globalName: 'OtelRum',
    outfile: 'dist/otel-rum.iife.js',
    minify: true,
    legalComments: 'none',
  }),
]);
execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
