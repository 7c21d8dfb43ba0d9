// Builds the demo shop into demo/web/dist (or --outdir DIR): the React app bundled with esbuild
// (react, react-dom and otel-rum/react from src/react; the SDK itself is the script tag
// /otel-rum.iife.js that demo/server.cjs serves), index.html, the stylesheet and the generated
// hero images.   node demo/web/build.mjs [--outdir DIR] [--dev]
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { heroPng } from './images.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Hue of each of the six hero landscapes (product ids cycle through them). */
const HERO_HUES = [28, 200, 140, 330, 45, 260];

export async function buildShop({ outdir = join(here, 'dist'), dev = false } = {}) {
  const out = resolve(outdir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'img'), { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.tsx')],
    bundle: true,
    format: 'iife',
    target: 'es2020',
    jsx: 'automatic',
    minify: !dev,
    // component names survive minification, so React component stacks on error spans read well
    keepNames: true,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    outfile: join(out, 'app.js'),
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  copyFileSync(join(here, 'styles.css'), join(out, 'styles.css'));
  HERO_HUES.forEach((hue, i) =>
    writeFileSync(join(out, 'img', `hero-${i + 1}.png`), heroPng({ hue, seed: i + 1 })),
  );
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--outdir');
  const started = Date.now();
  const out = await buildShop({
    outdir: i > 0 ? process.argv[i + 1] : undefined,
    dev: process.argv.includes('--dev'),
  });
  console.log(`demo shop built in ${Date.now() - started} ms: ${out}`);
}
