// The demo's two origins in one process: the web server (HTML with Server-Timing, the SDK bundle,
// static files) and the shop API (CORS, traceparent in, Server-Timing out). Both are traced with
// the OpenTelemetry Node SDK, so a page view and its API calls join the backend's traces.
//   node demo/server.cjs [--web-root DIR] [--web-port N] [--api-port N]
// Environment: DEMO_HOST (127.0.0.1), DEMO_WEB_PORT (8080), DEMO_API_PORT (8081),
// OTEL_EXPORTER_OTLP_ENDPOINT (collector, http://127.0.0.1:4318), RUM_ENDPOINT (what pages send
// to; default the same), DEMO_CORS_ORIGINS (extra origins allowed by the API, comma-separated),
// DEMO_CHECKOUT_FAILURE_RATE (0.05) and DEMO_RECOMMENDATIONS_FAILURE_RATE (0.1): shares of API
// calls that fail on purpose.
'use strict';
const { provider } = require('./tracing.cjs');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { trace } = require('@opentelemetry/api');
const { createApi } = require('./api/routes.cjs');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const host = process.env.DEMO_HOST || '127.0.0.1';
const webPort = Number(arg('web-port', process.env.DEMO_WEB_PORT || 8080));
const apiPort = Number(arg('api-port', process.env.DEMO_API_PORT || 8081));
const webRoot = path.resolve(
  arg('web-root', process.env.DEMO_WEB_ROOT || path.join(__dirname, 'web', 'dist')),
);
// the SDK's script-tag files: the loader, the rest it adds after load, the relay worker
const sdkFiles = new Map(
  ['otel-rum.iife.js', 'otel-rum.lazy.js', 'otel-rum-sw.js'].map((name) => [
    `/${name}`,
    path.resolve(__dirname, '..', 'dist', name),
  ]),
);
const collector = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4318').replace(
  /\/+$/,
  '',
);
const rumEndpoint = (process.env.RUM_ENDPOINT || collector).replace(/\/+$/, '');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** `Server-Timing: traceparent` of the span serving this request: the page links to it. */
function serverTiming(res) {
  const span = trace.getActiveSpan();
  if (!span) return;
  const { traceId, spanId, traceFlags } = span.spanContext();
  res.setHeader('Server-Timing', `traceparent;desc="00-${traceId}-${spanId}-0${traceFlags & 1}"`);
}

const web = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') return void res.end('ok');
  const sdkFile = sdkFiles.get(url.pathname);
  if (sdkFile) {
    res.writeHead(200, { 'Content-Type': 'text/javascript' });
    return void fs
      .createReadStream(sdkFile)
      .on('error', () => res.destroy()) // a file rebuilt while it is served: fail this request only
      .pipe(res);
  }
  let file = path.join(
    webRoot,
    path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''),
  );
  if (!file.startsWith(webRoot)) return void res.writeHead(403).end();
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    if (path.extname(url.pathname) && path.extname(url.pathname) !== '.html') {
      return void res.writeHead(404).end('not found');
    }
    const named = path.join(webRoot, url.pathname.replace(/\.html$/, '') + '.html');
    file = fs.existsSync(named) ? named : path.join(webRoot, 'index.html'); // SPA fallback
  }
  if (!fs.existsSync(file)) return void res.writeHead(404).end('not found');
  const ext = path.extname(file);
  serverTiming(res);
  if (ext === '.html') {
    const html = fs
      .readFileSync(file, 'utf8')
      .replaceAll('__ENDPOINT__', rumEndpoint)
      .replaceAll(
        '__API__',
        `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${api.address().port}`,
      );
    res.writeHead(200, { 'Content-Type': TYPES[ext] });
    return void res.end(html);
  }
  res.writeHead(200, { 'Content-Type': TYPES[ext] || 'application/octet-stream' });
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
});

const allowed = new Set((process.env.DEMO_CORS_ORIGINS || '').split(',').filter(Boolean));
const api = http.createServer(createApi({ allowed, serverTiming }));

web.listen(webPort, host, () => {
  api.listen(apiPort, host, () => {
    console.log(
      JSON.stringify({
        web: `http://${host}:${web.address().port}`,
        api: `http://${host}:${api.address().port}`,
        collector,
        rumEndpoint,
      }),
    );
  });
});

async function shutdown() {
  web.close();
  api.close();
  await provider.forceFlush().catch(() => {});
  await provider.shutdown().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
