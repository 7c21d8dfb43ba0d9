import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

/** A span as the receiver decoded it from OTLP/HTTP JSON, attributes flattened to plain values. */
export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
}

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value: AnyValue;
}

export function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return flatten(v.kvlistValue.values);
  return undefined;
}

export function flatten(kvs: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const nanosToMs = (n: string | number | undefined): number => Number(BigInt(n ?? 0) / 1000n) / 1000;

/** Decodes an OTLP/HTTP JSON ExportTraceServiceRequest into flat spans. */
export function decodeTraces(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  const req = body as { resourceSpans?: any[] };
  for (const rs of req.resourceSpans ?? []) {
    const resource = flatten(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          name: s.name,
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          kind: s.kind,
          startMs: nanosToMs(s.startTimeUnixNano),
          endMs: nanosToMs(s.endTimeUnixNano),
          attributes: flatten(s.attributes),
          resource,
          links: (s.links ?? []).map((l: any) => ({ traceId: l.traceId, spanId: l.spanId })),
          status: s.status ?? {},
          events: (s.events ?? []).map((e: any) => ({
            name: e.name,
            timeMs: nanosToMs(e.timeUnixNano),
            attributes: flatten(e.attributes),
          })),
        });
      }
    }
  }
  return spans;
}

export interface Receiver {
  url: string;
  spans: ReceivedSpan[];
  requests: {
    headers: IncomingMessage['headers'];
    bytes: number;
    spanCount: number;
    spanIds: string[];
    at: number;
    /** The decoded request body, for tests that search everything that was sent. */
    text: string;
  }[];
  /** Resolves when `predicate` holds over the received spans, rejects after `timeoutMs`. */
  waitFor(
    predicate: (spans: ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  clear(): void;
  /** Requests it could not decode (answered 400). */
  rejected?: number;
  /** Override the response for the next requests (fault injection); `body` is the request's
   * body, un-gzipped when it could be. */
  respondWith?: (req: IncomingMessage, res: ServerResponse, body: string) => boolean;
  close(): Promise<void>;
}

/** CORS as the collector answers it: the requesting origin, POST, the headers it asks for. */
export function cors(req: IncomingMessage, res: ServerResponse): void {
  if (!req.headers.origin) return;
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.headers['access-control-request-headers'] ?? '*',
  );
  res.setHeader('Vary', 'Origin');
}

/** Starts `server` on a free port of 127.0.0.1; resolves with its base URL. */
export async function listenLocal(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A test OTLP/HTTP receiver on 127.0.0.1 that answers CORS like the collector does. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    spans: [],
    requests: [],
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (predicate(receiver.spans)) return receiver.spans;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `receiver: condition not met in ${timeoutMs} ms; got ${receiver.spans.length} spans: ` +
          receiver.spans
            .map(
              (s) =>
                `${s.name}${s.attributes['browser.web_vital.name'] ? `(${s.attributes['browser.web_vital.name']})` : ''}`,
            )
            .join(', '),
      );
    },
    clear() {
      receiver.spans.length = 0;
      receiver.requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    cors(req, res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw: Buffer = Buffer.concat(chunks);
      let gunzipped: Buffer | undefined;
      try {
        if (req.headers['content-encoding'] === 'gzip') gunzipped = gunzipSync(raw);
      } catch {
        // answered 400 below, unless overridden
      }
      if (receiver.respondWith?.(req, res, (gunzipped ?? raw).toString('utf8'))) return;
      try {
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipped ?? gunzipSync(raw);
        const spans = decodeTraces(JSON.parse(raw.toString('utf8')));
        receiver.spans.push(...spans);
        receiver.requests.push({
          headers: req.headers,
          bytes: raw.length,
          spanCount: spans.length,
          spanIds: spans.map((s) => s.spanId),
          at: Date.now(),
          text: raw.toString('utf8'),
        });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } catch (error) {
        receiver.rejected = (receiver.rejected ?? 0) + 1;
        res.writeHead(400).end(String(error));
      }
    });
  });
  receiver.url = await listenLocal(server);
  return receiver;
}
