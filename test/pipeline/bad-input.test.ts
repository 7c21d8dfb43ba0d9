// Hostile and broken input against the real collector on our config: each bad request gets its
// status, and good traffic sent around it still arrives (counted in Prometheus, found in Jaeger).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { startPipeline } from '../../scripts/lib/services.mjs';
import { hexId, pageAttrs, postJson, postProtobuf, tracesPayload, webVital } from './otlp';
import type { SpanSpec } from './otlp';
import { eventually, promQuery, promValue, traceById } from './query';

const ORIGIN = 'http://127.0.0.1:5173';
const SERVICE = `pipeline-bad-${hexId(3)}`;
const RESOURCE = { 'service.name': SERVICE, 'deployment.environment.name': 'test' };
const sel = `service_name="${SERVICE}"`;
/** Series of our RUM metrics for this run may not exceed this, whatever the traffic. */
const SERIES_BOUND = 400;

let stack: any;
let otlp: string;
let prom: string;
let jaeger: string;
let canaries = 0;

beforeAll(async () => {
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: { corsOrigins: [ORIGIN] },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  otlp = stack.collector.otlpUrl;
  prom = stack.prometheus.url;
  jaeger = stack.jaeger.url;
  console.log(`[bad-input] logs in ${stack.dir}`);
});

afterAll(async () => {
  await stack?.stop();
});

/** Good traffic: one custom event named "canary"; the total is checked at the end. */
async function canary(): Promise<string> {
  const { body, traceIds } = tracesPayload(
    [
      {
        name: 'custom_event',
        attributes: pageAttrs({ 'rum.event.name': 'canary', 'rum.page.lcp_rating': 'good' }),
      },
    ],
    RESOURCE,
  );
  const res = await postJson(otlp, body, { origin: ORIGIN });
  expect(res.status).toBe(200);
  canaries++;
  return traceIds[0]!;
}

async function sendOk(spans: SpanSpec[], headers: Record<string, string> = {}) {
  const { body, traceIds } = tracesPayload(spans, RESOURCE);
  const res = await postJson(otlp, body, { origin: ORIGIN, ...headers });
  expect(res.status, res.text).toBe(200);
  return traceIds;
}

describe('refused requests', () => {
  it('preflight from a non-allowed origin gets no CORS grant', async () => {
    await canary();
    const preflight = (origin: string) =>
      fetch(`${otlp}/v1/traces`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const evil = await preflight('https://evil.example');
    console.log(
      `[bad-input] preflight from https://evil.example -> ${evil.status}, no Access-Control-Allow-Origin`,
    );
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-methods')).toBeNull();
    const good = await preflight(ORIGIN);
    expect(good.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    await canary();
  });

  it('an oversized body is refused (the collector answers 400 "request body too large", not 413)', async () => {
    await canary();
    const big = JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(300_000) });
    const res = await postJson(otlp, big, { origin: ORIGIN });
    console.log(`[bad-input] 300 kB body -> ${res.status} ${res.text}`);
    // otlpreceiver v0.161 maps every body read error (http.MaxBytesError included) to 400.
    expect(res.status).toBe(400);
    expect(res.text).toContain('request body too large');
    await canary();
  });

  it('malformed JSON and malformed protobuf -> 400', async () => {
    await canary();
    const json = await postJson(otlp, '{"resourceSpans": [ {', { origin: ORIGIN });
    expect(json.status).toBe(400);
    const pb = await postProtobuf(
      otlp,
      Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    );
    expect(pb.status).toBe(400);
    const ct = await fetch(`${otlp}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    console.log(
      `[bad-input] malformed JSON -> ${json.status}, malformed protobuf -> ${pb.status}, text/plain -> ${ct.status}`,
    );
    expect(ct.status).toBe(415);
    await canary();
  });
});

describe('accepted but cleaned', () => {
  it('an attribute flood and very long values are cut down (checked in Jaeger)', async () => {
    const flood: Record<string, string> = {};
    for (let i = 0; i < 500; i++) flood[`junk.${i}`] = `v${i}`;
    const [traceId] = await sendOk([
      {
        name: 'error',
        attributes: {
          ...flood,
          ...pageAttrs({
            'exception.type': 'Error',
            'exception.message': 'm'.repeat(50_000),
            'exception.stacktrace': 's'.repeat(20_000),
          }),
        },
      },
    ]);
    await canary();
    const [span] = await eventually(() => traceById(jaeger, traceId!), 60_000, 1000);
    const keys = Object.keys(span!.attributes);
    console.log(
      `[bad-input] 508 attributes sent -> ${keys.length} stored; 50000-char message -> ${String(span!.attributes['exception.message']).length}; 20000-char stack -> ${String(span!.attributes['exception.stacktrace']).length}`,
    );
    expect(keys.length).toBeLessThanOrEqual(64);
    for (const k of [
      'session.id',
      'rum.page.route',
      'rum.device.class',
      'exception.type',
      'exception.message',
      'exception.stacktrace',
    ]) {
      expect(keys).toContain(k);
    }
    expect(String(span!.attributes['exception.message']).length).toBe(1024);
    expect(String(span!.attributes['exception.stacktrace']).length).toBe(8192);
  });

  it('PII in attribute values is redacted in Jaeger and absent from metric labels', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const [traceId] = await sendOk([
      {
        name: 'custom_event',
        attributes: pageAttrs({
          'rum.event.name': 'alice@example.com',
          'rum.page.route': '/users/alice@example.com',
          'rum.page.url': `https://shop.example/reset?token=${jwt}`,
          'user.id': 'alice@example.com',
          'app.note': 'card 4111 1111 1111 1111 and auth Bearer abc.def-ghi',
        }),
      },
    ]);
    await canary();
    const [span] = await eventually(() => traceById(jaeger, traceId!), 60_000, 1000);
    const stored = JSON.stringify(span!.attributes);
    console.log(`[bad-input] stored after redaction: ${stored.slice(0, 400)}`);
    for (const secret of ['alice@example.com', jwt, '4111 1111 1111 1111', 'Bearer abc.def-ghi']) {
      expect(stored).not.toContain(secret);
    }
    expect(span!.attributes['user.id']).toBe('****');

    await eventually(async () => {
      expect(
        await promValue(prom, `sum(rum_custom_events_total{${sel},rum_event_name="other"})`),
      ).toBe(1);
    });
    const values = await Promise.all(
      ['rum_event_name', 'rum_page_route'].map(async (l) => {
        const r = await fetch(`${prom}/api/v1/label/${l}/values`);
        return ((await r.json()) as { data: string[] }).data;
      }),
    );
    expect(values.flat().join(' ')).not.toMatch(/@|eyJ|4111/);
  });

  it('10,000 distinct page URLs and user ids (and hostile label values) keep the series count bounded', async () => {
    const before = await promValue(prom, `count({__name__=~"rum_.+",${sel}}) or vector(0)`);
    const countries = ['DE', 'FR', 'evil-country-header', 'ZZZ'];
    const BATCH = 100;
    for (let b = 0; b < 10_000 / BATCH; b++) {
      const spans: SpanSpec[] = [];
      for (let i = 0; i < BATCH; i++) {
        const n = b * BATCH + i;
        const common = {
          'rum.page.url': `https://shop.example/products/${n}?q=${hexId(4)}`,
          'user.id': `user-${n}`,
          // hostile values for bounded labels: must collapse to unknown/other
          'rum.device.class': n % 10 === 0 ? `device-${n}` : 'desktop',
          'rum.page.route': n % 10 === 1 ? `/products/${1000 + n}` : '/products/:id',
          'rum.browser.family': n % 10 === 2 ? `browser-${n}` : 'chrome',
        };
        spans.push(
          i % 2 === 0
            ? { name: 'page_load', attributes: pageAttrs(common) }
            : webVital('lcp', 100 + n, 'good', common),
        );
      }
      await sendOk(spans, { 'cf-ipcountry': countries[b % countries.length]! });
      if (b % 25 === 0) await canary();
    }
    await canary();
    await eventually(async () => {
      expect(await promValue(prom, `sum(rum_page_views_by_route_total{${sel}})`)).toBe(5_000);
      expect(await promValue(prom, `sum(rum_web_vital_by_route_milliseconds_count{${sel}})`)).toBe(
        5_000,
      );
    }, 60_000);
    const series = await promValue(prom, `count({__name__=~"rum_.+",${sel}})`);
    const all = await promValue(prom, `count({__name__=~"rum_.+"})`);
    console.log(
      `[bad-input] 10,000 distinct URLs/users: rum_* series for this run ${before} -> ${series} (bound ${SERIES_BOUND}); all rum_* series in Prometheus: ${all}`,
    );
    expect(series).toBeLessThanOrEqual(SERIES_BOUND);
    const countriesSeen = (
      await promQuery(
        prom,
        `count by (geo_country_iso_code) (rum_page_views_by_country_total{${sel}})`,
      )
    ).map((s) => s.metric.geo_country_iso_code);
    expect(countriesSeen.sort()).toEqual(['DE', 'FR', 'unknown']);
    const devices = (
      await promQuery(prom, `count by (rum_device_class) (rum_page_views_by_device_total{${sel}})`)
    ).map((s) => s.metric.rum_device_class);
    expect(devices.sort()).toEqual(['desktop', 'unknown']);
  });

  it('all good traffic sent around the bad requests arrived', async () => {
    await eventually(async () => {
      expect(
        await promValue(prom, `sum(rum_custom_events_total{${sel},rum_event_name="canary"})`),
      ).toBe(canaries);
    });
    console.log(`[bad-input] canaries sent ${canaries}, counted ${canaries}`);
  });
});
