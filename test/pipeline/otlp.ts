// Builders for OTLP/HTTP JSON trace payloads shaped like the SDK's spans (src/semconv.ts).
import { randomBytes } from 'node:crypto';

export type AttrValue = string | number | boolean;
export interface SpanSpec {
  name: string;
  attributes?: Record<string, AttrValue>;
  kind?: number; // 1 internal, 3 client
  durationMs?: number;
  traceId?: string;
  statusCode?: number;
  events?: { name: string; attributes?: Record<string, AttrValue> }[];
}

export const hexId = (bytes: number): string => randomBytes(bytes).toString('hex');

function anyValue(v: AttrValue): Record<string, unknown> {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

export const attrs = (o: Record<string, AttrValue> = {}) =>
  Object.entries(o).map(([key, v]) => ({ key, value: anyValue(v) }));

export const DEFAULT_RESOURCE: Record<string, AttrValue> = {
  'service.name': 'pipeline-test',
  'service.version': '1.2.3',
  'deployment.environment.name': 'test',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
};

/** Common per-span attributes every SDK span carries. */
export function pageAttrs(over: Record<string, AttrValue> = {}): Record<string, AttrValue> {
  return {
    'session.id': hexId(16),
    'rum.page.route': '/products/:id',
    'rum.page.url': 'https://shop.example/products/42',
    'rum.page.view_id': hexId(8),
    'rum.device.class': 'desktop',
    'rum.browser.family': 'chrome',
    'network.connection.type': 'wifi',
    'rum.network.effective_type': '4g',
    ...over,
  };
}

export function tracesPayload(
  spans: SpanSpec[],
  resource: Record<string, AttrValue> = DEFAULT_RESOURCE,
): { body: unknown; traceIds: string[] } {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceIds: string[] = [];
  const otlpSpans = spans.map((s) => {
    const traceId = s.traceId ?? hexId(16);
    traceIds.push(traceId);
    const dur = BigInt(Math.round((s.durationMs ?? 1) * 1e6));
    return {
      traceId,
      spanId: hexId(8),
      name: s.name,
      kind: s.kind ?? 1,
      startTimeUnixNano: String(now - dur),
      endTimeUnixNano: String(now),
      attributes: attrs(s.attributes),
      events: (s.events ?? []).map((e) => ({
        name: e.name,
        timeUnixNano: String(now),
        attributes: attrs(e.attributes),
      })),
      status: s.statusCode ? { code: s.statusCode } : {},
    };
  });
  return {
    traceIds,
    body: {
      resourceSpans: [
        {
          resource: { attributes: attrs(resource) },
          scopeSpans: [{ scope: { name: 'otel-rum', version: '0.1.0' }, spans: otlpSpans }],
        },
      ],
    },
  };
}

export function webVital(
  name: string,
  value: number,
  rating: string,
  extra: Record<string, AttrValue> = {},
): SpanSpec {
  return {
    name: 'web_vital',
    attributes: pageAttrs({
      'browser.web_vital.name': name,
      'browser.web_vital.value': value,
      'browser.web_vital.delta': value,
      'browser.web_vital.id': `v5-${hexId(6)}`,
      'browser.web_vital.rating': rating,
      ...extra,
    }),
  };
}

export interface PostResult {
  status: number;
  headers: Headers;
  text: string;
}

export async function postJson(
  endpoint: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const res = await fetch(`${endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// --- a tiny OTLP protobuf encoder (ExportTraceServiceRequest), enough for the tests ---
// Field numbers from opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto.
type Json = Record<string, any>;

function varint(n: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}
const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const lenField = (field: number, bytes: number[] | Uint8Array) => [
  ...tag(field, 2),
  ...varint(BigInt(bytes.length)),
  ...bytes,
];
const strField = (field: number, s: string) => lenField(field, [...Buffer.from(s, 'utf8')]);
const fixed64 = (field: number, v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return [...tag(field, 1), ...b];
};

function encAnyValue(v: Json): number[] {
  if ('stringValue' in v) return strField(1, v.stringValue);
  if ('boolValue' in v) return [...tag(2, 0), v.boolValue ? 1 : 0];
  if ('intValue' in v) return [...tag(3, 0), ...varint(BigInt.asUintN(64, BigInt(v.intValue)))];
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v.doubleValue);
  return [...tag(4, 1), ...b];
}
const encKv = (kv: Json) => [...strField(1, kv.key), ...lenField(2, encAnyValue(kv.value))];

function encSpan(s: Json): number[] {
  return [
    ...lenField(1, [...Buffer.from(s.traceId, 'hex')]),
    ...lenField(2, [...Buffer.from(s.spanId, 'hex')]),
    ...strField(5, s.name),
    ...tag(6, 0),
    ...varint(BigInt(s.kind)),
    ...fixed64(7, BigInt(s.startTimeUnixNano)),
    ...fixed64(8, BigInt(s.endTimeUnixNano)),
    ...s.attributes.flatMap((kv: Json) => lenField(9, encKv(kv))),
  ];
}

/** Encodes the JSON form made by tracesPayload() as protobuf (events and status omitted). */
export function toProtobuf(body: unknown): Uint8Array {
  const req = body as Json;
  const bytes = req.resourceSpans.flatMap((rs: Json) =>
    lenField(1, [
      ...lenField(
        1,
        rs.resource.attributes.flatMap((kv: Json) => lenField(1, encKv(kv))),
      ),
      ...rs.scopeSpans.flatMap((ss: Json) =>
        lenField(2, [
          ...lenField(1, strField(1, ss.scope.name)),
          ...ss.spans.flatMap((sp: Json) => lenField(2, encSpan(sp))),
        ]),
      ),
    ]),
  );
  return Uint8Array.from(bytes);
}

export async function postProtobuf(
  endpoint: string,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const res = await fetch(`${endpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: Buffer.from(bytes),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
