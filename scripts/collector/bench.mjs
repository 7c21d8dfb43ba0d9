#!/usr/bin/env node
// `npm run bench:collector`: the shipped collector config against a receive-only collector of
// the same build, on the same realistic traffic (scripts/collector/traffic.mjs), one after the
// other in one run: spans/s, collector CPU-seconds per 100,000 spans, peak RSS, and the number
// of rum_* series the Prometheus exporter holds after all the spans. Then error spans with the
// demo shop's real minified stack, the sourcemap processor off, on without maps and on with the
// shop's map: spans/s and CPU µs per error span side by side (benchErrorSpans, a few seconds of
// load per row). Figures are printed, not asserted; the series ceiling is asserted by the
// pipeline test (test/pipeline/scale.test.ts).
//
//   node scripts/collector/bench.mjs [--spans 1000000] [--rounds 5] [--concurrency 8] [--pprof FILE]
//     [--config FILE]   (another config in place of otel-collector/config.yaml)
//     [--error-seconds 2] [--error-rounds 4]   (error-span rows: seconds per chunk, chunks per row)
//     [--errors-only | --no-errors]
// or: import { benchCollector } from './scripts/collector/bench.mjs'
// (the error-span rows: scripts/collector/bench-errors.mjs)
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROOT, freePort, scrape, startCollector } from '../lib/services.mjs';
import { traffic } from './traffic.mjs';
import { benchErrorSpans } from './bench-errors.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function peakRssMiB(pid) {
  const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

/**
 * Posts `spans` spans from `source` with `concurrency` requests in flight, or as many as it can
 * in `seconds`.
 */
async function drive(otlpUrl, source, { spans, concurrency, seconds = Infinity }) {
  let sent = 0;
  let refused = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < spans && performance.now() < deadline) {
        const batch = source.next();
        sent += batch.spans;
        const res = await fetch(`${otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'cf-ipcountry': batch.country },
          body: batch.body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) refused += batch.spans;
      }
    }),
  );
  return { sent, refused, seconds: (performance.now() - t0) / 1000 };
}

/** rum_* series (sample lines) on the exporter's /metrics, and how many label sets (streams). */
export async function countSeries(metricsUrl) {
  const text = await (await fetch(metricsUrl)).text();
  const lines = text.split('\n').filter((l) => l.startsWith('rum_'));
  const streams = new Set(
    lines.map((l) =>
      l
        .replace(/_(bucket|sum|count)\{/, '{')
        .replace(/,?le="[^"]*"/, '')
        .replace(/ .*$/, ''),
    ),
  );
  const families = new Map();
  for (const l of lines) {
    const name = l.slice(0, l.search(/[{ ]/)).replace(/_(bucket|sum|count)$/, '');
    families.set(name, (families.get(name) ?? 0) + 1);
  }
  return { series: lines.length, streams: streams.size, families };
}

/**
 * Waits until the collector is done with every span it accepted: received, and (for a config
 * that exports traces) sent on by its trace exporter, which comes after the batch processor and
 * the metrics branch. Only then is its CPU time read.
 */
async function drained(collector, expected, exports, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  const accepted = /^otelcol_receiver_accepted_spans(_total)?\{/;
  const sent = /^otelcol_exporter_(sent|send_failed)_spans(_total)?\{.*otlp_grpc\/traces/;
  while (Date.now() < deadline) {
    const telemetry = await scrape(`http://${collector.telemetryTarget}/metrics`);
    const a = telemetry.sum(accepted);
    const s = exports ? telemetry.sum(sent) : a;
    if (a >= expected && s >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`collector did not finish ${expected} spans in ${timeoutMs} ms`);
}

/** Drives one chunk into a collector and reads the CPU seconds it took to handle it. */
export async function chunk(c, o) {
  const cpu0 = await cpuSeconds(c.collector.pid);
  const run = await drive(c.collector.otlpUrl, c.source, o);
  c.total += run.sent - run.refused;
  await drained(c.collector, c.total, c.exports);
  c.cpu += (await cpuSeconds(c.collector.pid)) - cpu0;
  c.spans += run.sent;
  c.refused += run.refused;
  c.seconds += run.seconds;
}

/**
 * The floor and the shipped config take the same traffic in alternating chunks (so a slower
 * moment of a shared machine hits both alike), each chunk timed until the collector has
 * finished with it.
 * @param {{ spans?: number, rounds?: number, concurrency?: number, seed?: number,
 *   pprof?: string, config?: string, log?: (s: string) => void }} o
 */
export async function benchCollector(o = {}) {
  const spans = o.spans ?? 1_000_000;
  const rounds = o.rounds ?? 5;
  const concurrency = o.concurrency ?? 8;
  const log = o.log ?? console.log;
  const quiet = { RUM_COLLECTOR_LOG_LEVEL: 'warn' };
  const receiveOnly = join(ROOT, 'otel-collector/bench-receive-only.yaml');
  const ports = { otlpPort: 0, prometheusPort: 0, healthPort: 0, telemetryPort: 0 };
  const started = [];
  try {
    // the floor: receive and decode, nothing else
    const floor = await startCollector({
      config: receiveOnly,
      ...ports,
      env: { ...quiet, RUM_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}` },
    });
    started.push(floor);
    // the shipped config, its traces going to a receive-only sink standing in for the store
    const sinkGrpc = `127.0.0.1:${await freePort()}`;
    const sink = await startCollector({
      config: receiveOnly,
      ...ports,
      env: { ...quiet, RUM_OTLP_GRPC_ENDPOINT: sinkGrpc },
    });
    started.push(sink);
    const pprofPort = o.pprof ? await freePort() : undefined;
    const shipped = await startCollector({
      ...(o.config && { config: o.config }),
      ...(o.pprof && { extraConfigs: [join(ROOT, 'otel-collector/bench/profile.yaml')] }),
      ...ports,
      env: {
        ...quiet,
        RUM_TRACES_OTLP_ENDPOINT: sinkGrpc,
        RUM_SPANMETRICS_FLUSH_INTERVAL: '1s',
        ...(pprofPort && { RUM_PPROF_ENDPOINT: `127.0.0.1:${pprofPort}` }),
      },
    });
    started.push(shipped);

    const side = (name, collector, exports) => ({
      name,
      collector,
      exports,
      // the same seed: both see the same spans, chunk for chunk
      source: traffic({ seed: o.seed ?? 7 }),
      total: 0,
      cpu: 0,
      spans: 0,
      refused: 0,
      seconds: 0,
    });
    const sides = [
      side('receive-only (floor)', floor, false),
      side('shipped config.yaml', shipped, true),
    ];
    const per = Math.ceil(spans / rounds);
    let profile;
    for (let r = 0; r < rounds; r++) {
      for (const s of sides) {
        if (pprofPort && s.exports && r === Math.floor(rounds / 2))
          profile = fetch(`http://127.0.0.1:${pprofPort}/debug/pprof/profile?seconds=10`)
            .then((res) => res.arrayBuffer())
            .then((b) => writeFile(o.pprof, Buffer.from(b)));
        await chunk(s, { spans: per, concurrency });
      }
    }
    await profile;
    await new Promise((res) => setTimeout(res, 2_500)); // one span_metrics flush
    const { series, streams, families } = await countSeries(shipped.metricsUrl).catch(() => ({
      families: new Map(),
    }));
    const results = sides.map((s) => ({
      name: s.name,
      spans: s.spans,
      refused: s.refused,
      spansPerSecond: s.spans / s.seconds,
      cpuPer100k: (s.cpu / s.spans) * 100_000,
      peakRssMiB: 0,
    }));
    for (const [i, s] of sides.entries()) results[i].peakRssMiB = await peakRssMiB(s.collector.pid);
    Object.assign(results[1], { series, streams, families });

    const [f, x] = results;
    log(
      `\n## Collector: shipped config vs receive-only, ${spans.toLocaleString('en')} spans each\n`,
    );
    log(
      'Realistic mix (scripts/collector/traffic.mjs): 40 routes, 60 countries, 3 device classes,',
    );
    log(
      `4 connection types, 7 browsers, Zipf-popular, 20-span batches; ${concurrency} requests in flight; ` +
        `${rounds} alternating chunks each, CPU read once the collector is done with a chunk.\n`,
    );
    log(
      '| collector | spans/s | CPU s per 100k spans | vs floor | peak RSS MiB | rum_* series (label sets) |',
    );
    log('|---|---:|---:|---:|---:|---:|');
    for (const r of results)
      log(
        `| ${r.name} | ${Math.round(r.spansPerSecond)} | ${r.cpuPer100k.toFixed(2)} | ${(r.cpuPer100k / f.cpuPer100k).toFixed(2)}x | ${r.peakRssMiB.toFixed(0)} | ${r.series === undefined ? '-' : `${r.series} (${r.streams})`} |`,
      );
    if (f.refused || x.refused) log(`\nrefused spans: floor ${f.refused}, shipped ${x.refused}`);
    log('\nrum_* series by family:');
    for (const [name, n] of [...x.families].sort((a, b) => b[1] - a[1])) log(`  ${name} ${n}`);
    if (o.pprof)
      log(
        `\nCPU profile (10 s of the shipped config): ${o.pprof} (go tool pprof -top <otelcol-rum> ${o.pprof})`,
      );
    for (const c of started.splice(0).reverse()) await c.stop();
    const errors =
      o.errors === false
        ? undefined
        : await benchErrorSpans({ seconds: o.errorSeconds, rounds: o.errorRounds, log });
    return { floor: f, shipped: x, errors };
  } finally {
    for (const c of started.reverse()) await c.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      spans: { type: 'string' },
      concurrency: { type: 'string' },
      pprof: { type: 'string' },
      config: { type: 'string' },
      rounds: { type: 'string' },
      'error-seconds': { type: 'string' },
      'error-rounds': { type: 'string' },
      'errors-only': { type: 'boolean' },
      'no-errors': { type: 'boolean' },
    },
  });
  const errorOptions = {
    ...(values['error-seconds'] && { errorSeconds: Number(values['error-seconds']) }),
    ...(values['error-rounds'] && { errorRounds: Number(values['error-rounds']) }),
  };
  if (values['errors-only'])
    await benchErrorSpans({ seconds: errorOptions.errorSeconds, rounds: errorOptions.errorRounds });
  else
    await benchCollector({
      ...errorOptions,
      errors: !values['no-errors'],
      ...(values.spans && { spans: Number(values.spans) }),
      ...(values.concurrency && { concurrency: Number(values.concurrency) }),
      ...(values.pprof && { pprof: values.pprof }),
      ...(values.config && { config: values.config }),
      ...(values.rounds && { rounds: Number(values.rounds) }),
    });
}
