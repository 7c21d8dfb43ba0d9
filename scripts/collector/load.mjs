#!/usr/bin/env node
// Bounded load test of the collector on 127.0.0.1: many simulated browsers post OTLP/HTTP JSON
// batches for a fixed time (and at most a fixed count). Two phases:
//   capacity: the shipped limits; prints spans/s accepted and peak collector RSS.
//   overload: a deliberately small memory_limiter; shows refusal (503/429 + Retry-After), no
//             crash, and that every accepted span is counted (no silent loss).
// Every accepted batch holds page_load spans, so "accepted" can be checked against the
// collector's own rum_page_views_by_route_total and otelcol_receiver_accepted_spans.
//
//   node scripts/collector/load.mjs [--browsers 64] [--seconds 10] [--batch 50] [--no-jaeger]
// or: import { runLoad } from './scripts/collector/load.mjs'
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { scrape, startCollector, startJaeger } from '../lib/services.mjs';

const hex = (n) => randomBytes(n).toString('hex');
const kv = (key, v) => ({
  key,
  value:
    typeof v === 'number'
      ? Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v }
      : { stringValue: String(v) },
});

const ROUTES = ['/', '/products/:id', '/cart', '/checkout', '/search'];
const VITALS = [
  ['lcp', 2500],
  ['inp', 200],
  ['cls', 0.1],
  ['fcp', 1800],
  ['ttfb', 800],
];

/** One browser's batch: half page_load spans, half web vitals / HTTP spans. */
function batch(browser, size) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const session = hex(16);
  const spans = [];
  for (let i = 0; i < size; i++) {
    const attrs = [
      kv('session.id', session),
      kv('rum.page.route', ROUTES[(browser + i) % ROUTES.length]),
      kv('rum.page.url', `https://shop.example/p/${hex(4)}`),
      kv('rum.device.class', browser % 3 === 0 ? 'mobile' : 'desktop'),
      kv('rum.browser.family', browser % 2 ? 'chrome' : 'firefox'),
      kv('rum.network.effective_type', '4g'),
      kv('user.id', `u-${browser}`),
    ];
    let name = 'page_load';
    let kind = 1;
    if (i % 2 === 1) {
      const [vital, good] = VITALS[i % VITALS.length];
      name = i % 4 === 1 ? 'web_vital' : 'HTTP GET';
      if (name === 'web_vital') {
        attrs.push(
          kv('browser.web_vital.name', vital),
          kv('browser.web_vital.value', good * (0.5 + Math.random())),
        );
      } else {
        kind = 3;
        attrs.push(kv('http.request.method', 'GET'), kv('url.full', `https://api.example/x/${i}`));
      }
    }
    spans.push({
      traceId: hex(16),
      spanId: hex(8),
      name,
      kind,
      startTimeUnixNano: String(now - 50_000_000n),
      endTimeUnixNano: String(now),
      attributes: attrs,
    });
  }
  const pageLoads = spans.filter((s) => s.name === 'page_load').length;
  const body = JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [kv('service.name', 'loadtest'), kv('deployment.environment.name', 'bench')],
        },
        scopeSpans: [{ scope: { name: 'otel-rum' }, spans }],
      },
    ],
  });
  return { body, spans: size, pageLoads };
}

async function rssKiB(pid) {
  const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

/** One phase against a running collector. */
async function drive(collector, { browsers, seconds, maxRequests, batchSize }) {
  const stats = {
    requests: 0,
    accepted: 0,
    acceptedSpans: 0,
    acceptedPageLoads: 0,
    refused: {},
    errors: 0,
    retryAfter: 0,
  };
  let peakRss = 0;
  const sampler = setInterval(async () => {
    peakRss = Math.max(peakRss, await rssKiB(collector.pid));
  }, 100);
  const deadline = Date.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: browsers }, async (_, b) => {
      while (Date.now() < deadline && stats.requests < maxRequests) {
        stats.requests++;
        const { body, spans, pageLoads } = batch(b, batchSize);
        try {
          const res = await fetch(`${collector.otlpUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await res.arrayBuffer();
          if (res.status === 200) {
            stats.accepted++;
            stats.acceptedSpans += spans;
            stats.acceptedPageLoads += pageLoads;
          } else {
            stats.refused[res.status] = (stats.refused[res.status] ?? 0) + 1;
            if (res.headers.get('retry-after')) stats.retryAfter++;
          }
        } catch {
          stats.errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, await rssKiB(collector.pid));
  return {
    ...stats,
    elapsed,
    spansPerSec: stats.acceptedSpans / elapsed,
    peakRssMiB: peakRss / 1024,
  };
}

/** Waits until the collector has counted every accepted page_load (or times out). */
async function reconcile(collector, expectedPageLoads, expectedSpans) {
  const telemetry = `http://${collector.telemetryTarget}/metrics`;
  let counted = 0;
  let receiverAccepted = 0;
  let receiverRefused = 0;
  let exporterSent = 0;
  let exporterFailed = 0;
  for (let i = 0; i < 60; i++) {
    const m = await scrape(collector.metricsUrl);
    counted = m.sum(/^rum_page_views_by_route_total\{.*service_name="loadtest"/);
    const t = await scrape(telemetry);
    receiverAccepted = t.sum(/^otelcol_receiver_accepted_spans(_total)?\{/);
    receiverRefused = t.sum(/^otelcol_receiver_refused_spans(_total)?\{/);
    exporterSent = t.sum(/^otelcol_exporter_sent_spans(_total)?\{.*otlp_grpc\/traces/);
    exporterFailed = t.sum(/^otelcol_exporter_send_failed_spans(_total)?\{.*otlp_grpc\/traces/);
    if (
      counted >= expectedPageLoads &&
      receiverAccepted >= expectedSpans &&
      exporterSent + exporterFailed >= expectedSpans
    )
      break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    counted,
    receiverAccepted,
    receiverRefused,
    exporterSent,
    exporterFailed,
    alive: collector.child.exitCode === null,
  };
}

/**
 * @param {object} o
 * @param {number} [o.browsers=64] concurrent simulated browsers
 * @param {number} [o.seconds=10] duration of each phase
 * @param {number} [o.maxRequests=20000] cap on requests per phase
 * @param {number} [o.batchSize=50] spans per request
 * @param {boolean} [o.jaeger=true] export traces to a real trace store, Jaeger v2 (else to a
 *   closed port, queued)
 * @param {(s: string) => void} [o.log=console.log]
 */
export async function runLoad(o = {}) {
  const opts = {
    browsers: 64,
    seconds: 10,
    maxRequests: 20_000,
    batchSize: 50,
    jaeger: true,
    log: console.log,
    ...o,
  };
  const { log } = opts;
  const results = {};
  const jaeger = opts.jaeger
    ? await startJaeger({ otlpGrpcPort: 0, queryHttpPort: 0, queryGrpcPort: 0, healthPort: 0 })
    : undefined;
  try {
    const phases = [
      ['capacity', {}, opts.batchSize],
      // memory_limiter: 48 MiB limit, 24 MiB spike -> refuses above ~24 MiB heap; bigger batches.
      [
        'overload',
        { RUM_MEMORY_LIMIT_MIB: '48', RUM_MEMORY_SPIKE_LIMIT_MIB: '24' },
        opts.batchSize * 4,
      ],
    ];
    for (const [phase, env, batchSize] of phases) {
      const collector = await startCollector({
        otlpPort: 0,
        prometheusPort: 0,
        healthPort: 0,
        telemetryPort: 0,
        tracesOtlpEndpoint: jaeger?.otlpGrpcEndpoint ?? '127.0.0.1:9',
        env: { RUM_COLLECTOR_LOG_LEVEL: 'warn', ...env },
      });
      try {
        const r = await drive(collector, { ...opts, batchSize });
        const rec = await reconcile(collector, r.acceptedPageLoads, r.acceptedSpans);
        const healthy = (await fetch(collector.healthUrl).catch(() => ({ ok: false }))).ok;
        results[phase] = { ...r, ...rec, healthy, logFile: collector.logFile };
        log(
          `[load:${phase}] ${opts.browsers} browsers x ${batchSize} spans/request, ${r.elapsed.toFixed(1)} s: ` +
            `${r.requests} requests, ${r.accepted} accepted (${r.acceptedSpans} spans, ${Math.round(r.spansPerSec)} spans/s), ` +
            `refused ${JSON.stringify(r.refused)} (${r.retryAfter} with Retry-After), transport errors ${r.errors}; ` +
            `peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
        );
        log(
          `[load:${phase}] reconcile: page_load accepted ${r.acceptedPageLoads}, counted by rum_page_views_by_route_total ${rec.counted}; ` +
            `otelcol_receiver_accepted_spans ${rec.receiverAccepted} (client saw ${r.acceptedSpans}), refused_spans ${rec.receiverRefused}; ` +
            `sent to the trace store ${rec.exporterSent}, failed ${rec.exporterFailed}; ` +
            `collector alive ${rec.alive}, healthy ${healthy}`,
        );
      } finally {
        await collector.stop();
      }
    }
  } finally {
    await jaeger?.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      browsers: { type: 'string' },
      seconds: { type: 'string' },
      batch: { type: 'string' },
      'max-requests': { type: 'string' },
      'no-jaeger': { type: 'boolean' },
    },
  });
  const r = await runLoad({
    ...(values.browsers && { browsers: Number(values.browsers) }),
    ...(values.seconds && { seconds: Number(values.seconds) }),
    ...(values.batch && { batchSize: Number(values.batch) }),
    ...(values['max-requests'] && { maxRequests: Number(values['max-requests']) }),
    jaeger: !values['no-jaeger'],
  });
  const lost = Object.values(r).some((p) => p.counted !== p.acceptedPageLoads || !p.alive);
  process.exit(lost ? 1 : 0);
}
