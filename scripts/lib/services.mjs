// Start the pipeline's servers (collector, Prometheus, Jaeger) as child processes on 127.0.0.1.
// Used by `npm run stack`, the pipeline tests and the load test. Each start function waits for
// the server's health/readiness endpoint and returns its URLs plus stop(); output goes to a log
// file (see `logFile`) so a failing test can point at it.
//
// Addresses: an explicit option wins, then the environment variable named below, then a
// default. A port of 0 means "pick a free one".
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile, open, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HOST = '127.0.0.1';

/** Whether `port` can be bound on 127.0.0.1 now (0: any; resolves to the port, or 0 if not). */
function bindable(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', () => res(0));
    srv.listen(port, HOST, () => {
      const bound = srv.address().port;
      srv.close(() => res(bound));
    });
  });
}

const handedOut = new Set();

/**
 * A free TCP port on 127.0.0.1 for a server started later. Taken below Linux's ephemeral range
 * (32768-60999): a port from that range, released and bound again moments later, can meanwhile
 * become the local port of some outgoing connection ("address already in use").
 */
export async function freePort() {
  for (let i = 0; i < 100; i++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  return bindable(0);
}

/**
 * A Prometheus text exposition (a collector's /metrics or telemetry, Prometheus' own) and
 * `sum(re)`: the sum of the samples on the lines `re` matches.
 */
export async function scrape(url) {
  const text = await (await fetch(url)).text();
  const sum = (re) =>
    text
      .split('\n')
      .filter((l) => re.test(l))
      .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
  return { text, sum };
}

/** opt ?? env ?? fallback, then 0 -> a free port. */
async function port(opt, envName, fallback) {
  const raw = opt ?? process.env[envName] ?? fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${envName}: bad port ${raw}`);
  return n === 0 ? freePort() : n;
}

/** Port of a "host:port" env var such as RUM_OTLP_HTTP_ENDPOINT. */
function envEndpointPort(name) {
  const v = process.env[name];
  if (!v) return undefined;
  const host = v.slice(0, v.lastIndexOf(':'));
  if (host !== HOST && host !== 'localhost') {
    throw new Error(`${name}=${v}: this stack only binds 127.0.0.1`);
  }
  return v.slice(v.lastIndexOf(':') + 1);
}

let logDirPromise;
/** One directory per process for logs and data, unless OTEL_RUM_STACK_DIR is set. */
export function stackDir() {
  logDirPromise ??= process.env.OTEL_RUM_STACK_DIR
    ? mkdir(process.env.OTEL_RUM_STACK_DIR, { recursive: true }).then(
        () => process.env.OTEL_RUM_STACK_DIR,
      )
    : mkdtemp(join(tmpdir(), 'otel-rum-stack-'));
  return logDirPromise;
}

async function waitFor(url, { timeoutMs = 60_000, child, name, logFile }) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before ready; log ${logFile}:\n${tail.slice(-3000)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms (${last}); log ${logFile}`);
}

/**
 * Spawn a server with output to a log file and wait until `readyUrl` answers 2xx (the server is
 * stopped if it never does); returns { child, stop, logFile }.
 */
async function launch(name, bin, args, { env = {}, logFile, cwd, readyUrl, timeoutMs } = {}) {
  if (!existsSync(bin)) throw new Error(`${name}: binary not found: ${bin}`);
  const log = await open(logFile, 'a');
  const child = spawn(bin, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log.fd, log.fd],
  });
  const exited = new Promise((r) => child.once('exit', r));
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await log.close();
    })());
  try {
    await waitFor(readyUrl, { child, name, logFile, timeoutMs });
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, stop, logFile };
}

const run = promisify(execFile);

/** stop(), then delete a data dir we created (kept with OTEL_RUM_KEEP_DATA=1). */
function stopAndClean(stop, dataDir, created) {
  return async () => {
    await stop();
    if (created && process.env.OTEL_RUM_KEEP_DATA !== '1')
      await rm(dataDir, { recursive: true, force: true });
  };
}

/** The last stdout line of one of our build scripts (each prints what it built there). */
async function buildOutput(script, args = []) {
  const { stdout } = await run(join(ROOT, 'scripts/collector', script), args, {
    maxBuffer: 64 << 20,
  });
  return stdout.trim().split('\n').pop();
}

/** Path of our collector build: $OTELCOL_RUM_BIN, or scripts/collector/build.sh (cached). */
export async function collectorBinary() {
  return process.env.OTELCOL_RUM_BIN ?? buildOutput('build.sh');
}

/**
 * Path of a program built from Go modules by scripts/collector/build-go-program.sh (cached in
 * ~/.cache/otel-rum): `prometheus`, `promtool` (both from the Prometheus build) or `jaeger`.
 * $PROMETHEUS_BIN, $PROMTOOL_BIN and $JAEGER_BIN override.
 */
export async function goProgramBinary(program) {
  const override = process.env[`${program.toUpperCase()}_BIN`];
  if (override) return override;
  const build = program === 'promtool' ? 'prometheus' : program;
  return join(await buildOutput('build-go-program.sh', [build]), program);
}

/**
 * The collector on otel-collector/config.yaml (or `config`).
 * @param {object} o
 * @param {number} [o.otlpPort] OTLP/HTTP (env RUM_OTLP_HTTP_ENDPOINT, default 4318)
 * @param {number} [o.prometheusPort] metrics for Prometheus (env RUM_PROMETHEUS_EXPORTER_ENDPOINT, 9464)
 * @param {number} [o.healthPort] health check (env RUM_HEALTH_ENDPOINT, 13133)
 * @param {number} [o.telemetryPort] collector self-metrics (env RUM_COLLECTOR_TELEMETRY_PORT, 8888)
 * @param {string} [o.tracesOtlpEndpoint] host:port of the trace store's OTLP gRPC (env RUM_TRACES_OTLP_ENDPOINT)
 * @param {string[]} [o.corsOrigins] allowed browser origins (env RUM_CORS_ALLOWED_ORIGINS, a JSON list)
 * @param {Record<string,string>} [o.env] extra env (RUM_MEMORY_LIMIT_MIB, RUM_CLIENT_IP, ...)
 * @param {string[]} [o.extraConfigs] configs merged over `config` (e.g. otel-collector/bench/profile.yaml)
 */
export async function startCollector(o = {}) {
  const dir = await stackDir();
  const bin = o.bin ?? (await collectorBinary());
  const otlpPort = await port(
    o.otlpPort,
    'RUM_OTLP_HTTP_PORT',
    envEndpointPort('RUM_OTLP_HTTP_ENDPOINT') ?? 4318,
  );
  const prometheusPort = await port(
    o.prometheusPort,
    'RUM_PROMETHEUS_EXPORTER_PORT',
    envEndpointPort('RUM_PROMETHEUS_EXPORTER_ENDPOINT') ?? 9464,
  );
  const healthPort = await port(
    o.healthPort,
    'RUM_HEALTH_PORT',
    envEndpointPort('RUM_HEALTH_ENDPOINT') ?? 13133,
  );
  const telemetryPort = await port(o.telemetryPort, 'RUM_COLLECTOR_TELEMETRY_PORT', 8888);
  const origins =
    o.corsOrigins ??
    (process.env.RUM_CORS_ALLOWED_ORIGINS ? JSON.parse(process.env.RUM_CORS_ALLOWED_ORIGINS) : []);
  if (origins.some((x) => x.includes('*')))
    throw new Error('CORS origins must be explicit, never "*"');
  const logFile = o.logFile ?? join(dir, `collector-${otlpPort}.log`);
  const env = {
    RUM_OTLP_HTTP_ENDPOINT: `${HOST}:${otlpPort}`,
    RUM_PROMETHEUS_EXPORTER_ENDPOINT: `${HOST}:${prometheusPort}`,
    RUM_HEALTH_ENDPOINT: `${HOST}:${healthPort}`,
    RUM_COLLECTOR_TELEMETRY_PORT: String(telemetryPort),
    RUM_TRACES_OTLP_ENDPOINT:
      o.tracesOtlpEndpoint ?? process.env.RUM_TRACES_OTLP_ENDPOINT ?? `${HOST}:4317`,
    RUM_CORS_ALLOWED_ORIGINS: JSON.stringify(origins),
    ...o.env,
  };
  const config = o.config ?? join(ROOT, 'otel-collector/config.yaml');
  const configs = [config, ...(o.extraConfigs ?? [])].flatMap((c) => ['--config', c]);
  const healthUrl = `http://${HOST}:${healthPort}/health`;
  const p = await launch('collector', bin, configs, {
    env,
    logFile,
    readyUrl: healthUrl,
    timeoutMs: o.timeoutMs,
  });
  return {
    name: 'collector',
    pid: p.child.pid,
    child: p.child,
    otlpUrl: `http://${HOST}:${otlpPort}`,
    metricsUrl: `http://${HOST}:${prometheusPort}/metrics`,
    prometheusTarget: `${HOST}:${prometheusPort}`,
    telemetryTarget: `${HOST}:${telemetryPort}`,
    healthUrl,
    logFile,
    stop: p.stop,
  };
}

/**
 * Prometheus 3 (our build from Go modules at prometheus/VERSION, or $PROMETHEUS_BIN) on
 * prometheus/prometheus.yml rendered with the given scrape targets, exemplar storage on (still a
 * feature flag in 3.5), data in a temp dir.
 * @param {object} o
 * @param {number} [o.port] env PROMETHEUS_PORT, default 9090
 * @param {string} [o.rumTarget] host:port of the collector's Prometheus exporter
 * @param {string} [o.otelcolTarget] host:port of the collector's self-metrics
 * @param {string[]} [o.rumTargets] several collector replicas' exporters (in place of rumTarget)
 * @param {string[]} [o.otelcolTargets] their self-metrics (in place of otelcolTarget)
 * @param {string} [o.scrapeInterval] e.g. "1s" in tests (default from the file, 15s)
 */
export async function startPrometheus(o = {}) {
  const dir = await stackDir();
  const bin = o.bin ?? (await goProgramBinary('prometheus'));
  const p0 = await port(o.port, 'PROMETHEUS_PORT', 9090);
  const dataDir = o.dataDir ?? (await mkdtemp(join(dir, 'prometheus-data-')));
  const src = await readFile(join(ROOT, 'prometheus/prometheus.yml'), 'utf8');
  // one collector, or several replicas (o.rumTargets / o.otelcolTargets): each is a target
  const targets = (list, one, envName, fallback) =>
    JSON.stringify(list ?? [one ?? process.env[envName] ?? fallback]).replaceAll(',', ', ');
  let cfg = src
    .replace(
      '["127.0.0.1:9464"]',
      targets(o.rumTargets, o.rumTarget, 'PROMETHEUS_RUM_TARGET', '127.0.0.1:9464'),
    )
    .replace(
      '["127.0.0.1:8888"]',
      targets(o.otelcolTargets, o.otelcolTarget, 'PROMETHEUS_OTELCOL_TARGET', '127.0.0.1:8888'),
    )
    .replace('- rules/*.yml', `- ${join(ROOT, 'prometheus/rules')}/*.yml`);
  if (o.scrapeInterval)
    cfg = cfg.replaceAll(/(scrape_interval|evaluation_interval): 15s/g, `$1: ${o.scrapeInterval}`);
  const configFile = join(dir, `prometheus-${p0}.yml`);
  await writeFile(configFile, cfg);
  const logFile = o.logFile ?? join(dir, `prometheus-${p0}.log`);
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=${HOST}:${p0}`,
    '--enable-feature=exemplar-storage',
    '--web.enable-lifecycle',
    '--log.level=info',
  ];
  const url = `http://${HOST}:${p0}`;
  const p = await launch('prometheus', bin, args, {
    env: o.env,
    logFile,
    readyUrl: `${url}/-/ready`,
    timeoutMs: o.timeoutMs,
  });
  const stop = stopAndClean(p.stop, dataDir, !o.dataDir);
  return {
    name: 'prometheus',
    pid: p.child.pid,
    child: p.child,
    url,
    configFile,
    dataDir,
    logFile,
    stop,
  };
}

/**
 * Jaeger v2 on jaeger/config.yaml: OTLP gRPC in, traces in memory (bounded), the query API out.
 * @param {object} o
 * @param {number} [o.otlpGrpcPort] OTLP gRPC receiver (env JAEGER_OTLP_GRPC_PORT, default 4317)
 * @param {number} [o.queryHttpPort] query HTTP API (env JAEGER_QUERY_HTTP_PORT, 16686)
 * @param {number} [o.queryGrpcPort] query gRPC API (env JAEGER_QUERY_GRPC_PORT, 16685)
 * @param {number} [o.healthPort] health check, GET /status (env JAEGER_HEALTH_PORT, 13134)
 * @param {number} [o.maxTraces] traces kept in memory (env JAEGER_MAX_TRACES, 100000)
 */
export async function startJaeger(o = {}) {
  const dir = await stackDir();
  const bin = o.bin ?? (await goProgramBinary('jaeger'));
  const otlpGrpcPort = await port(o.otlpGrpcPort, 'JAEGER_OTLP_GRPC_PORT', 4317);
  const queryHttpPort = await port(o.queryHttpPort, 'JAEGER_QUERY_HTTP_PORT', 16686);
  const queryGrpcPort = await port(o.queryGrpcPort, 'JAEGER_QUERY_GRPC_PORT', 16685);
  const healthPort = await port(o.healthPort, 'JAEGER_HEALTH_PORT', 13134);
  const logFile = o.logFile ?? join(dir, `jaeger-${queryHttpPort}.log`);
  const env = {
    JAEGER_QUERY_HTTP_HOST: HOST, // jaeger/config.yaml's default; only compose publishes it
    JAEGER_OTLP_GRPC_PORT: String(otlpGrpcPort),
    JAEGER_QUERY_HTTP_PORT: String(queryHttpPort),
    JAEGER_QUERY_GRPC_PORT: String(queryGrpcPort),
    JAEGER_HEALTH_PORT: String(healthPort),
    JAEGER_MAX_TRACES: String(o.maxTraces ?? process.env.JAEGER_MAX_TRACES ?? 100_000),
    ...o.env,
  };
  const args = ['--config', join(ROOT, 'jaeger/config.yaml')];
  const healthUrl = `http://${HOST}:${healthPort}/status`;
  const p = await launch('jaeger', bin, args, {
    env,
    logFile,
    readyUrl: healthUrl,
    timeoutMs: o.timeoutMs,
  });
  return {
    name: 'jaeger',
    pid: p.child.pid,
    child: p.child,
    url: `http://${HOST}:${queryHttpPort}`,
    otlpGrpcEndpoint: `${HOST}:${otlpGrpcPort}`,
    healthUrl,
    logFile,
    stop: p.stop,
  };
}

/**
 * A round-robin HTTP load balancer (Debian's haproxy, or $HAPROXY_BIN) on 127.0.0.1 in front of
 * collector replicas: each request goes to the next replica, as a Kubernetes Service or a cloud
 * load balancer would spread browsers' exports.
 * @param {object} o
 * @param {string[]} o.targets host:port of each replica's OTLP/HTTP receiver
 * @param {number} [o.port] listen port (env RUM_LB_PORT, default 0 = a free one)
 */
export async function startLoadBalancer(o) {
  const dir = await stackDir();
  const bin = o.bin ?? process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
  const p0 = await port(o.port, 'RUM_LB_PORT', 0);
  const statsPort = await freePort();
  const configFile = join(dir, `haproxy-${p0}.cfg`);
  await writeFile(
    configFile,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  option http-server-close', // each request balanced on its own, even on a kept-alive connection
      `frontend otlp`,
      `  bind ${HOST}:${p0}`,
      '  default_backend collectors',
      `frontend health`,
      `  bind ${HOST}:${statsPort}`,
      '  http-request return status 200 content-type text/plain string ok',
      'backend collectors',
      '  balance roundrobin',
      ...o.targets.map((t, i) => `  server replica${i} ${t}`),
      '',
    ].join('\n'),
  );
  const logFile = o.logFile ?? join(dir, `haproxy-${p0}.log`);
  const p = await launch('haproxy', bin, ['-db', '-f', configFile], {
    logFile,
    readyUrl: `http://${HOST}:${statsPort}/`,
  });
  return {
    name: 'haproxy',
    pid: p.child.pid,
    url: `http://${HOST}:${p0}`,
    configFile,
    logFile,
    stop: p.stop,
  };
}

/**
 * Jaeger (the trace store), then the collector exporting to it, then Prometheus scraping the
 * collector.
 * `ports: 'free'` picks free ports for everything (tests); otherwise env/defaults apply.
 */
export async function startPipeline(o = {}) {
  const free = o.ports === 'free' ? 0 : undefined;
  const started = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
  };
  try {
    const jaeger =
      o.jaeger === false
        ? undefined
        : await startJaeger({
            otlpGrpcPort: free,
            queryHttpPort: free,
            queryGrpcPort: free,
            healthPort: free,
            ...o.jaegerOptions,
          });
    if (jaeger) started.push(jaeger);
    const collector = await startCollector({
      otlpPort: free,
      prometheusPort: free,
      healthPort: free,
      telemetryPort: free,
      tracesOtlpEndpoint: jaeger?.otlpGrpcEndpoint,
      ...o.collectorOptions,
    });
    started.push(collector);
    const prometheus = await startPrometheus({
      port: free,
      rumTarget: collector.prometheusTarget,
      otelcolTarget: collector.telemetryTarget,
      ...o.prometheusOptions,
    });
    started.push(prometheus);
    return { jaeger, collector, prometheus, dir: await stackDir(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
