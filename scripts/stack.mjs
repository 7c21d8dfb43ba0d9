#!/usr/bin/env node
// `npm run stack`: the whole local stack on 127.0.0.1, no Docker. Builds the SDK and the demo
// shop, starts Jaeger v2, the collector and Prometheus (scripts/collector/stack.mjs; all three are
// built from Go modules on first use and cached), then the demo web server and API
// (demo/server.cjs) exporting to the collector, optionally the traffic generator; prints where
// everything is once healthy, and stops it all on Ctrl-C.
//   node scripts/stack.mjs [--traffic] [--no-build]
// Environment: DEMO_WEB_PORT (8080), DEMO_API_PORT (8081), DEMO_WEB_ROOT (demo/web/dist), the
// collector/Prometheus/Jaeger variables of scripts/lib/services.mjs (RUM_OTLP_HTTP_PORT 4318,
// PROMETHEUS_PORT 9090, JAEGER_QUERY_HTTP_PORT 16686, ...; 0 picks a free port),
// RUM_CORS_ALLOWED_ORIGINS (default: the shop's origins), RUM_SOURCEMAP_DIR (default: a
// directory in the stack's log dir where <service>/<version> of the shop links to its build, so
// the collector symbolicates the shop's errors), and for --traffic LOADGEN_VISITORS (20),
// LOADGEN_DURATION (300), LOADGEN_CONCURRENCY (2).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, freePort, stackDir } from './lib/services.mjs';
import { startPipelineStack } from './collector/stack.mjs';
import { shopIdentity } from './lib/shop.mjs';

const HOST = '127.0.0.1';
const args = process.argv.slice(2);
const children = []; // { name, child }, stopped in reverse order
let starting; // startPipelineStack(): awaited on shutdown, so nothing it starts is left behind
let stopping;

async function port(name, fallback) {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}: bad port`);
  return n === 0 ? freePort() : n;
}

/** Waits for a line of a child's stdout that `match` accepts; rejects if the child exits. */
function waitForLine(child, name, match, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find(match);
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(line);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before ready`)));
  });
}

/** Passes a child's output through, each line prefixed with its name. */
function prefix(stream, name) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) console.log(`[${name}] ${line}`);
  });
}

function stopChild({ child }) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The sourcemap processor's layout for the shop: <dir>/<service.name>/<service.version> is a
 * link to the shop's build (app.js.map beside app.js), the name and version read from the built
 * index.html (demo/web/index.html). A link, not a copy: a rebuild of the shop is seen at once.
 */
async function shopSourceMaps(webRoot) {
  let page = '';
  try {
    page = readFileSync(join(webRoot, 'index.html'), 'utf8');
  } catch {
    // no build yet: the demo server says so; errors then stay minified
  }
  const { service, version } = shopIdentity(page);
  if (!service || !version) return undefined;
  const dir = join(await stackDir(), 'sourcemaps');
  const link = join(dir, service, version);
  mkdirSync(join(dir, service), { recursive: true });
  rmSync(link, { force: true }); // a kept OTEL_RUM_STACK_DIR from an earlier run
  symlinkSync(resolve(webRoot), link, 'dir');
  return { dir, service, version };
}

async function shutdown(code) {
  stopping ??= (async () => {
    console.log('\nstopping ...');
    for (const c of [...children].reverse()) await stopChild(c);
    const stack = await starting?.catch(() => undefined);
    await stack?.stop();
    console.log('stopped');
    process.exit(code);
  })();
  return stopping;
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (!args.includes('--no-build')) {
    console.log('building the SDK and the demo shop ...');
    execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    execFileSync(process.execPath, [join(ROOT, 'demo/web/build.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  const webPort = await port('DEMO_WEB_PORT', 8080);
  const apiPort = await port('DEMO_API_PORT', 8081);
  const shop = `http://${HOST}:${webPort}`;
  // the collector must accept the shop's browsers (startPipelineStack reads this variable)
  process.env.RUM_CORS_ALLOWED_ORIGINS ??= JSON.stringify([shop, `http://localhost:${webPort}`]);
  // the collector reads the shop's source maps (its errors arrive symbolicated, with a group)
  const webRoot = process.env.DEMO_WEB_ROOT ?? join(ROOT, 'demo/web/dist');
  let sourceMaps = process.env.RUM_SOURCEMAP_DIR;
  if (!sourceMaps) {
    const maps = await shopSourceMaps(webRoot);
    sourceMaps = maps
      ? `${maps.dir}  (${maps.service}/${maps.version} -> ${webRoot})`
      : `none (no shop build in ${webRoot})`;
    if (maps) process.env.RUM_SOURCEMAP_DIR = maps.dir;
  }

  console.log(
    'starting Jaeger, the collector and Prometheus (the first run builds them from Go modules) ...',
  );
  starting = startPipelineStack();
  const stack = await starting;
  if (stopping) return;

  const server = spawn(process.execPath, [join(ROOT, 'demo/server.cjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DEMO_HOST: HOST,
      DEMO_WEB_PORT: String(webPort),
      DEMO_API_PORT: String(apiPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.collector.otlpUrl,
      RUM_ENDPOINT: process.env.RUM_ENDPOINT ?? stack.collector.otlpUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push({ name: 'demo', child: server });
  prefix(server.stderr, 'demo');
  const ready = JSON.parse(await waitForLine(server, 'demo server', (l) => l.startsWith('{')));
  prefix(server.stdout, 'demo');
  for (const url of [`${ready.web}/healthz`, `${ready.api}/healthz`]) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  }
  server.once('exit', (code) => {
    if (stopping) return;
    console.error(`demo server exited (${code}); stopping the stack`);
    void shutdown(1);
  });

  const { collector, prometheus, jaeger } = stack;
  console.log(
    [
      '',
      'otel-rum stack ready',
      `  shop        ${ready.web}`,
      `  api         ${ready.api}`,
      `  collector   ${collector.otlpUrl}  (OTLP/HTTP, traces at /v1/traces)`,
      `  health      ${collector.healthUrl}`,
      `  metrics     ${collector.metricsUrl}`,
      `  prometheus  ${prometheus.url}`,
      `  jaeger      ${jaeger.url}`,
      `  sourcemaps  ${sourceMaps}`,
      `  logs        ${stack.dir}`,
      args.includes('--traffic') ? '  traffic     starting the traffic generator' : '',
      'Ctrl-C stops everything.',
    ]
      .filter(Boolean)
      .join('\n'),
  );

  if (args.includes('--traffic')) {
    const loadgen = spawn(process.execPath, [join(ROOT, 'loadgen/run.mjs'), '--url', ready.web], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push({ name: 'loadgen', child: loadgen });
    prefix(loadgen.stdout, 'loadgen');
    prefix(loadgen.stderr, 'loadgen');
  }
}

main().catch(async (err) => {
  console.error(`stack: ${err?.message ?? err}`);
  await shutdown(1);
});
