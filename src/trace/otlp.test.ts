import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  type ReadableSpan as SdkReadable,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { INTEGER_KEYS } from '../transport/value-types';
import { encodeRequest } from './otlp';
import type { ReadableSpan } from './span';
import { createTracerProvider } from './tracer';

const RESOURCE = {
  'service.name': 'shop',
  'rum.screen.width': 1280,
  'rum.device.pixel_ratio': 2,
  'browser.brands': ['Chromium 131', 'Not_A Brand 24'],
};

/**
 * What the SDK sent until now: otlp-transformer's JSON with value-types.ts's rule on top (a
 * whole number is `doubleValue` unless its key holds only integers; array elements untouched).
 */
function reference(spans: ReadableSpan[]): unknown {
  const text = new TextDecoder().decode(
    JsonTraceSerializer.serializeRequest(spans as unknown as SdkReadable[]),
  );
  const request = JSON.parse(text);
  const retype = (attributes: { key: string; value: Record<string, unknown> }[]) => {
    for (const kv of attributes) {
      if ('intValue' in kv.value && !INTEGER_KEYS.has(kv.key)) {
        kv.value = { doubleValue: kv.value.intValue };
      }
    }
  };
  for (const rs of request.resourceSpans) {
    retype(rs.resource.attributes);
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        retype(s.attributes);
        s.events.forEach((e: { attributes: never }) => retype(e.attributes));
        s.links.forEach((l: { attributes: never }) => retype(l.attributes));
      }
  }
  return request;
}

/** A representative set: every value type, integer and double keys, events, links, status. */
function record(tracer: Tracer): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const keep = <T>(span: T): T => (spans.push(span as unknown as ReadableSpan), span);
  const root = keep(
    tracer.startSpan('page_load', {
      kind: SpanKind.INTERNAL,
      startTime: 1_733_231_234_567.891,
      attributes: {
        'http.response.status_code': 200,
        'rum.timing.transfer_size': 1.5,
        'browser.web_vital.value': 0,
        'rum.error.count': -3,
        big: 2 ** 60,
        nan: NaN,
        text: 'é 漢字 😀 "quoted" \\ {"key":"n","value":{"intValue":1}}',
        yes: true,
        ints: [1, 2, 3],
        mixed: [1.5, 2],
        flags: [true, false],
        empty: [],
        holes: ['a', null as unknown as string],
      },
    }),
  );
  root.addEvent('exception', { 'rum.error.count': 3, 'rum.custom.ratio': 2 }, 1_733_231_234_600);
  root.addEvent('mark', 1_733_231_234_601.5);
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  const child = keep(
    tracer.startSpan(
      'GET',
      {
        kind: SpanKind.CLIENT,
        startTime: [1_733_231_234, 999_999_999],
        links: [
          {
            context: {
              traceId: 'a'.repeat(32),
              spanId: 'b'.repeat(16),
              traceFlags: 1,
              isRemote: true,
            },
            attributes: { 'rum.link.source': 'server_timing', n: 4 },
          },
          { context: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 0 } },
        ],
      },
      parent,
    ),
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'HTTP 500' });
  child.end([1_733_231_235, 5]);
  const ok = keep(
    tracer.startSpan('click', { kind: SpanKind.SERVER, startTime: 1_733_231_236_000 }),
  );
  ok.setStatus({ code: SpanStatusCode.OK });
  for (let i = 0; i < 130; i++) ok.setAttribute(`k${i}`, i);
  ok.end(1_733_231_235_000); // before its start: clamped
  const producer = keep(tracer.startSpan('p', { kind: SpanKind.PRODUCER }, parent));
  producer.end();
  keep(tracer.startSpan('c', { kind: SpanKind.CONSUMER })).end();
  root.end(1_733_231_240_000 + 0.000_001);
  return spans;
}

describe('OTLP/JSON encoder', () => {
  it('writes what otlp-transformer wrote (with the value-type rule), for sdk-trace spans', () => {
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes(RESOURCE) });
    const spans = record(provider.getTracer('otel-rum', '1.2.3'));
    expect(JSON.parse(encodeRequest(spans))).toEqual(reference(spans));
  });

  it('writes what otlp-transformer wrote, for our spans', () => {
    const provider = createTracerProvider({
      resource: RESOURCE,
      processor: { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} },
    });
    const spans = record(provider.getTracer('otel-rum', '1.2.3'));
    const ours = JSON.parse(encodeRequest(spans));
    expect(ours).toEqual(reference(spans));
    // a few of the facts above, spelled out
    const [load, get] = ours.resourceSpans[0].scopeSpans[0].spans;
    expect(ours.resourceSpans[0].scopeSpans[0].scope).toEqual({
      name: 'otel-rum',
      version: '1.2.3',
    });
    expect(load.parentSpanId).toBeUndefined();
    expect(get.parentSpanId).toBe(load.spanId);
    expect(get.kind).toBe(3);
    expect(get.flags).toBe(0x101);
    expect(get.links[0].flags).toBe(0x301);
    expect(get.startTimeUnixNano).toBe('1733231234999999999');
    // the input's float error, rounded to the nanosecond as OpenTelemetry does
    expect(load.startTimeUnixNano).toBe('1733231234567891113');
    const value = (key: string) =>
      load.attributes.find((kv: { key: string }) => kv.key === key).value;
    expect(value('http.response.status_code')).toEqual({ intValue: 200 });
    expect(value('browser.web_vital.value')).toEqual({ doubleValue: 0 });
    expect(value('rum.timing.transfer_size')).toEqual({ doubleValue: 1.5 });
    expect(value('ints')).toEqual({
      arrayValue: { values: [{ intValue: 1 }, { intValue: 2 }, { intValue: 3 }] },
    });
  });

  it('groups spans by resource and scope', () => {
    const processor = {
      onStart() {},
      onEnd() {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const a = createTracerProvider({ resource: { 'service.name': 'a' }, processor });
    const b = createTracerProvider({ resource: { 'service.name': 'b' }, processor });
    const spans = [
      a.getTracer('x', '1').startSpan('1'),
      b.getTracer('x', '1').startSpan('2'),
      a.getTracer('y').startSpan('3'),
      a.getTracer('x', '1').startSpan('4'),
    ] as unknown as ReadableSpan[];
    spans.forEach((s) => (s as unknown as { end(): void }).end());
    expect(JSON.parse(encodeRequest(spans))).toEqual(reference(spans));
    const request = JSON.parse(encodeRequest(spans));
    expect(
      request.resourceSpans.map((rs: { scopeSpans: { spans: { name: string }[] }[] }) =>
        rs.scopeSpans.map((ss) => ss.spans.map((s) => s.name)),
      ),
    ).toEqual([[['1', '4'], ['3']], [['2']]]);
  });
});
