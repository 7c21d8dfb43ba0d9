#!/usr/bin/env node
// `npm run bench:collector`: the shipped collector config against a receive-only collector of
// the same build, on the same realistic traffic (scripts/collector/traffic.mjs), one after the
// other in one run: spans/s, collector CPU-seconds per 100,000 spans, peak RSS, and the number
// of rum_* series the Prometheus exporter holds after all the spans. Figures are printed, not
// asserted; the series ceiling is asserted by the pipeline test (test/pipeline/scale.test.ts).
//
//   node scripts/collector/bench.mjs [--spans 1000000] [--concurrency 8] [--pprof FILE]
//     [--config FILE]   (another config in place of otel-collector/config.yaml)
// or: import { benchCollector } from './scripts/collector/bench.mjs'
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ROOT, freePort, startCollector } from '../lib/services.mjs';
import { traffic } from './traffic.mjs';

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

/** Posts `spans` spans of seeded traffic with `concurrency` requests in flight. */
async function drive(otlpUrl, { spans, concurrency, seed }) {
  const source = traffic({ seed });
  let sent = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < spans) {
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
  return { sent, refused, seconds: (performance.now() - t0) / 1000, ledger: source.ledger };
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

async function waitForSpans(telemetryTarget, expected, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const text = await (await fetch(`http://${telemetryTarget}/metrics`)).text();
    seen = text
      .split('\n')
      .filter((l) => /^otelcol_receiver_accepted_spans(_total)?\{/.test(l))
      .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
    if (seen >= expected) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  return seen;
}

async function phase(name, collector, o) {
  const cpu0 = await cpuSeconds(collector.pid);
  const run = await drive(collector.otlpUrl, o);
  // the last requests are answered before the pipeline is done with them
  await waitForSpans(collector.telemetryTarget, run.sent - run.refused);
  const cpu = (await cpuSeconds(collector.pid)) - cpu0;
  return {
    name,
    spans: run.sent,
    refused: run.refused,
    spansPerSecond: run.sent / run.seconds,
    cpuPer100k: (cpu / run.sent) * 100_000,
    peakRssMiB: await peakRssMiB(collector.pid),
    ledger: run.ledger,
  };
}

/**
 * @param {{ spans?: number, concurrency?: number, seed?: number, pprof?: string, config?: string,
 *   log?: (s: string) => void }} o
 */
export async function benchCollector(o = {}) {
  const spans = o.spans ?? 1_000_000;
  const concurrency = o.concurrency ?? 8;
  const log = o.log ?? console.log;
  const quiet = { RUM_COLLECTOR_LOG_LEVEL: 'warn' };
  const receiveOnly = join(ROOT, 'otel-collector/bench-receive-only.yaml');
  const results = [];

  // 1. the floor: receive and decode, nothing else
  const floor = await startCollector({
    config: receiveOnly,
    otlpPort: 0,
    prometheusPort: 0,
    healthPort: 0,
    telemetryPort: 0,
    env: { ...quiet, RUM_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}` },
  });
  try {
    results.push(await phase('receive-only (floor)', floor, { spans, concurrency, seed: 7 }));
  } finally {
    await floor.stop();
  }

  // 2. the shipped config, its traces going to a receive-only sink standing in for the store
  const sinkGrpc = `127.0.0.1:${await freePort()}`;
  const sink = await startCollector({
    config: receiveOnly,
    otlpPort: 0,
    prometheusPort: 0,
    healthPort: 0,
    telemetryPort: 0,
    env: { ...quiet, RUM_OTLP_GRPC_ENDPOINT: sinkGrpc },
  });
  const pprofPort = o.pprof ? await freePort() : undefined;
  const shipped = await startCollector({
    ...(o.config && { config: o.config }),
    otlpPort: 0,
    prometheusPort: 0,
    healthPort: 0,
    telemetryPort: 0,
    ...(o.pprof && { extraConfigs: [join(ROOT, 'otel-collector/bench/profile.yaml')] }),
    env: {
      ...quiet,
      RUM_TRACES_OTLP_ENDPOINT: sinkGrpc,
      RUM_SPANMETRICS_FLUSH_INTERVAL: '1s',
      ...(pprofPort && { RUM_PPROF_ENDPOINT: `127.0.0.1:${pprofPort}` }),
    },
  });
  let profile;
  try {
    if (pprofPort) {
      const seconds = 20;
      profile = fetch(`http://127.0.0.1:${pprofPort}/debug/pprof/profile?seconds=${seconds}`)
        .then((r) => r.arrayBuffer())
        .then((b) => writeFile(o.pprof, Buffer.from(b)));
    }
    const r = await phase('shipped config.yaml', shipped, { spans, concurrency, seed: 7 });
    await profile;
    await new Promise((res) => setTimeout(res, 2_500)); // one span_metrics flush
    const { series, streams, families } = await countSeries(shipped.metricsUrl).catch(() => ({
      families: new Map(),
    }));
    results.push({ ...r, series, streams, families });
  } finally {
    await shipped.stop();
    await sink.stop();
  }

  const [f, s] = results;
  log(`\n## Collector: shipped config vs receive-only, ${spans.toLocaleString('en')} spans each\n`);
  log(`Realistic mix (scripts/collector/traffic.mjs): 40 routes, 60 countries, 3 device classes,`);
  log(
    `4 connection types, 7 browsers, Zipf-popular, 20-span batches; ${concurrency} requests in flight.\n`,
  );
  log(
    '| collector | spans/s | CPU s per 100k spans | vs floor | peak RSS MiB | rum_* series (label sets) |',
  );
  log('|---|---:|---:|---:|---:|---:|');
  for (const x of results)
    log(
      `| ${x.name} | ${Math.round(x.spansPerSecond)} | ${x.cpuPer100k.toFixed(2)} | ${(x.cpuPer100k / f.cpuPer100k).toFixed(2)}x | ${x.peakRssMiB.toFixed(0)} | ${x.series === undefined ? '-' : `${x.series} (${x.streams})`} |`,
    );
  if (f.refused || s.refused) log(`\nrefused spans: floor ${f.refused}, shipped ${s.refused}`);
  log('\nrum_* series by family:');
  for (const [name, n] of [...s.families].sort((a, b) => b[1] - a[1])) log(`  ${name} ${n}`);
  if (o.pprof)
    log(
      `\nCPU profile (20 s of the shipped phase): ${o.pprof} (go tool pprof -top otelcol-rum ${o.pprof})`,
    );
  return { floor: f, shipped: s };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      spans: { type: 'string' },
      concurrency: { type: 'string' },
      pprof: { type: 'string' },
      config: { type: 'string' },
    },
  });
  await benchCollector({
    ...(values.spans && { spans: Number(values.spans) }),
    ...(values.concurrency && { concurrency: Number(values.concurrency) }),
    ...(values.pprof && { pprof: values.pprof }),
    ...(values.config && { config: values.config }),
  });
}
