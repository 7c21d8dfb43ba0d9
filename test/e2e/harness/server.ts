import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
// @ts-expect-error plain ES module without types
import { encodeRgbPng } from '../../../scripts/lib/png.mjs';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const pagesDir = join(here, '..', 'pages');

export interface PageServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Serves the script `file` at `path`, e.g. a bundle a test builds at run time. */
  serveScript(path: string, file: string): void;
  /** JSON bodies pages posted to `/measured` (what the page measured apart from the SDK). */
  measured: unknown[];
  close(): Promise<void>;
}

/**
 * A PNG of random pixels. Chromium leaves low-entropy images (a flat colour) out of LCP, so the
 * test image must carry real information.
 */
function noisePng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++)
    rows.push(Buffer.concat([Buffer.from([0]), randomBytes(width * 3)]));
  return encodeRgbPng(width, height, Buffer.concat(rows));
}
const HERO_PNG = noisePng(400, 200);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Serves the built SDK and the test pages on 127.0.0.1. Pages are HTML templates: `__ENDPOINT__`
 * becomes the OTLP receiver's URL. `?ttfbDelay=ms` delays the document response; `/hero.png?delay=`
 * delays an image (for LCP); any path under `/spa/` serves `spa.html` and under `/soft/` `softnav.html` (client-side routes).
 * `?delay=` also delays a script (the SDK's lazy part). `/echo/…` answers with the request's method, body and some of its headers as JSON.
 */
export async function startPageServer(endpoint: string, port = 0): Promise<PageServer> {
  const scripts = new Map([
    ['/otel-rum.iife.js', join(root, 'dist', 'otel-rum.iife.js')],
    ['/otel-rum.lazy.js', join(root, 'dist', 'otel-rum.lazy.js')],
    ['/otel-rum.all.iife.js', join(root, 'dist', 'otel-rum.all.iife.js')],
    ['/otel-rum-sw.js', join(root, 'dist', 'otel-rum-sw.js')],
  ]);
  const measured: unknown[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/measured' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      measured.push(JSON.parse(body));
      res.writeHead(204).end();
      return;
    }
    if (url.pathname.startsWith('/echo/')) {
      // what a request arrived with, for the fetch/XHR tests
      let body = '';
      for await (const chunk of req) body += chunk;
      const { traceparent = null, referer = null, 'x-app': app = null } = req.headers;
      res
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify({ method: req.method, body, traceparent, referer, app }));
      return;
    }
    const delay = Number(url.searchParams.get('delay') ?? url.searchParams.get('ttfbDelay') ?? 0);
    const script = scripts.get(url.pathname);
    if (script) {
      await sleep(delay);
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(script));
      return;
    }
    if (url.pathname === '/hero.png') {
      await sleep(delay);
      res
        .writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' })
        .end(HERO_PNG);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const name = url.pathname.startsWith('/spa/')
      ? 'spa'
      : url.pathname.startsWith('/soft/')
        ? 'softnav'
        : url.pathname.replace(/^\/(pages\/)?|\.html$/g, '');
    const file = join(pagesDir, `${name || 'index'}.html`);
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    await sleep(delay);
    const html = readFileSync(file, 'utf8').replaceAll('__ENDPOINT__', endpoint);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serveScript: (path, file) => void scripts.set(path, file),
    measured,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
