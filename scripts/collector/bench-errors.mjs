// The error-span rows of `npm run bench:collector`: error spans with the demo shop's real minified
// React stack through config.yaml with the sourcemap processor off, on without maps and on with
// the shop's map; spans/s and CPU µs per error span side by side.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceMapConsumer } from 'source-map-js';
import { parse, stringify } from 'yaml';
import { ROOT, freePort, scrape, startCollector } from '../lib/services.mjs';
import { chunk } from './bench.mjs';

/** Mappings of a source map that carry a name: [generated line (0-based), column, source]. */
function namedSegments(map) {
  const out = [];
  new SourceMapConsumer(map).eachMapping((m) => {
    if (m.name) out.push([m.generatedLine - 1, m.generatedColumn, m.source]);
  });
  return out;
}

/**
 * A React render error as Chromium reports it from the demo shop's minified build: the throwing
 * frames in the shop's own code, then React's (react-dom) frames, 10 in all, at real positions of
 * app.js that its map resolves to named functions.
 */
function demoStack(map, scriptUrl) {
  const segments = namedSegments(map);
  const pick = (re, n) => {
    const from = segments.filter(([, , source]) => re.test(source));
    return Array.from({ length: n }, (_, i) => from[Math.floor(((i + 0.5) * from.length) / n)]);
  };
  const frames = [...pick(/demo\/web\/src\//, 3), ...pick(/react-dom/, 7)];
  const minified = ['o', 'Xe', 'Yu', 'jl', 'Zs', 'Pf', 'Hc', 'Tf', 'ai', 'lw'];
  return [
    "TypeError: Cannot read properties of undefined (reading 'stars')",
    ...frames.map(
      ([line, col], i) => `    at ${minified[i]} (${scriptUrl}:${line + 1}:${col + 1})`,
    ),
  ].join('\n');
}

/** OTLP/JSON requests of `perRequest` error spans each, shaped like the SDK's, from one page. */
function errorTraffic(stack, perRequest) {
  const id = (bytes) => randomBytes(bytes).toString('hex');
  const attr = (key, v) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) },
  });
  return {
    next() {
      const now = BigInt(Date.now()) * 1_000_000n;
      const spans = Array.from({ length: perRequest }, (_, i) => ({
        traceId: id(16),
        spanId: id(8),
        name: 'error',
        kind: 1,
        startTimeUnixNano: String(now),
        endTimeUnixNano: String(now),
        status: { code: 2 },
        attributes: [
          attr('session.id', id(16)),
          attr('rum.page.view_id', id(8)),
          attr('rum.page.route', '/product/:id'),
          attr('rum.page.url', `http://127.0.0.1:8080/product/${(i % 40) + 1}`),
          attr('rum.device.class', 'desktop'),
          attr('rum.browser.family', 'chrome'),
          attr('exception.type', 'TypeError'),
          attr('exception.message', "Cannot read properties of undefined (reading 'stars')"),
          attr('exception.stacktrace', stack),
          attr('rum.error.source', 'react'),
          attr('rum.error.count', 1),
        ],
      }));
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: [
                attr('service.name', 'shop-web'),
                attr('service.version', '1.0.0'),
                attr('deployment.environment.name', 'bench'),
              ],
            },
            scopeSpans: [{ scope: { name: 'otel-rum', version: '0.1.0' }, spans }],
          },
        ],
      });
      return { body, spans: perRequest, country: 'FR' };
    },
  };
}

/**
 * Error spans with the demo shop's real minified stack through config.yaml three ways: without
 * the sourcemap processor (an overlay of the traces pipeline without it), with it and no maps
 * (stack parsing and fingerprint only), with it and the shop's map (symbolicated, the minified
 * copy kept). Alternating chunks of `seconds` of load each; CPU read once a chunk is done.
 * @param {{ seconds?: number, rounds?: number, concurrency?: number, log?: (s: string) => void }} o
 */
export async function benchErrorSpans(o = {}) {
  const perRequest = 50;
  const seconds = o.seconds ?? 2;
  const rounds = o.rounds ?? 4;
  const concurrency = o.concurrency ?? 4;
  const log = o.log ?? console.log;
  const work = await mkdtemp(join(tmpdir(), 'otel-rum-bench-errors-'));
  const started = [];
  try {
    // the demo's production build (minified, app.js.map beside app.js) in the processor's layout
    const { buildShop } = await import('../../demo/web/build.mjs');
    const web = await buildShop({ outdir: join(work, 'web') });
    const maps = join(work, 'maps');
    await mkdir(join(maps, 'shop-web', '1.0.0'), { recursive: true });
    await copyFile(join(web, 'app.js.map'), join(maps, 'shop-web', '1.0.0', 'app.js.map'));
    await mkdir(join(work, 'no-maps'));
    const map = JSON.parse(await readFile(join(web, 'app.js.map'), 'utf8'));
    const stack = demoStack(map, 'http://127.0.0.1:8080/app.js');

    // processor off: config.yaml's traces pipeline without it
    const config = parse(await readFile(join(ROOT, 'otel-collector/config.yaml'), 'utf8'));
    const processors = config.service.pipelines.traces.processors.filter((p) => p !== 'sourcemap');
    const off = join(work, 'sourcemap-off.yaml');
    await writeFile(off, stringify({ service: { pipelines: { traces: { processors } } } }));

    const quiet = { RUM_COLLECTOR_LOG_LEVEL: 'warn' };
    const ports = { otlpPort: 0, prometheusPort: 0, healthPort: 0, telemetryPort: 0 };
    const sinkGrpc = `127.0.0.1:${await freePort()}`;
    const sink = await startCollector({
      config: join(ROOT, 'otel-collector/bench-receive-only.yaml'),
      ...ports,
      env: { ...quiet, RUM_OTLP_GRPC_ENDPOINT: sinkGrpc },
    });
    started.push(sink);
    const env = {
      ...quiet,
      RUM_TRACES_OTLP_ENDPOINT: sinkGrpc,
      RUM_SPANMETRICS_FLUSH_INTERVAL: '1s',
    };
    const sides = [];
    for (const [name, extra, dir] of [
      ['sourcemap off (traces pipeline without it)', [off], join(work, 'no-maps')],
      ['sourcemap on, no maps (parse + fingerprint)', [], join(work, 'no-maps')],
      ['sourcemap on, with the map (symbolicated)', [], maps],
    ]) {
      const collector = await startCollector({
        ...ports,
        extraConfigs: extra,
        env: { ...env, RUM_SOURCEMAP_DIR: dir },
      });
      started.push(collector);
      sides.push({
        name,
        collector,
        exports: true,
        source: errorTraffic(stack, perRequest),
        total: 0,
        cpu: 0,
        spans: 0,
        refused: 0,
        seconds: 0,
      });
    }
    for (let r = 0; r < rounds; r++)
      for (const s of sides) await chunk(s, { spans: Infinity, seconds, concurrency });

    const frames = async (s) => {
      const t = await scrape(`http://${s.collector.telemetryTarget}/metrics`);
      const by = (outcome) =>
        t.sum(new RegExp(`^otelcol_processor_sourcemap_frames(_total)?\\{.*outcome="${outcome}"`));
      return { symbolicated: by('symbolicated'), noMap: by('no_map'), unmapped: by('unmapped') };
    };
    const results = [];
    for (const s of sides)
      results.push({
        name: s.name,
        spans: s.spans,
        refused: s.refused,
        spansPerSecond: s.spans / s.seconds,
        cpuMicrosPerSpan: (s.cpu / s.spans) * 1e6,
        frames: await frames(s),
      });
    const base = results[0];
    log(`\n## Collector: error spans, symbolication off and on\n`);
    log(
      `The demo shop's minified production build (demo/web/build.mjs) and a 10-frame React render-error stack at real positions of its app.js (3 app frames, 7 react-dom); ${perRequest} error spans per request, ${concurrency} requests in flight, config.yaml into a receive-only sink; ${rounds} alternating chunks of ${seconds} s each, CPU read once the collector is done with a chunk.\n`,
    );
    log(
      '| error spans through config.yaml | spans/s | CPU µs per span | vs off | frames symbolicated / no map |',
    );
    log('|---|---:|---:|---:|---:|');
    for (const r of results)
      log(
        `| ${r.name} | ${Math.round(r.spansPerSecond)} | ${r.cpuMicrosPerSpan.toFixed(1)} | ${r === base ? '1.00x' : `${(r.cpuMicrosPerSpan / base.cpuMicrosPerSpan).toFixed(2)}x`} | ${r.frames.symbolicated} / ${r.frames.noMap} |`,
      );
    const refused = results.filter((r) => r.refused);
    if (refused.length)
      log(`\nrefused spans: ${refused.map((r) => `${r.name} ${r.refused}`).join(', ')}`);
    return results;
  } finally {
    for (const c of started.reverse()) await c.stop();
    await rm(work, { recursive: true, force: true });
  }
}
