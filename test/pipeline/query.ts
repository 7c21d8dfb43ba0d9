// Prometheus and Jaeger (the tests' trace store) HTTP API helpers for the pipeline tests.

/** Retries `fn` until it returns without throwing, or rethrows its last error at the deadline. */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs = 30_000,
  stepMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export async function promQuery(promUrl: string, query: string): Promise<Sample[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const json = (await res.json()) as { status: string; data: { result: Sample[] }; error?: string };
  if (json.status !== 'success') throw new Error(`${query}: ${json.error}`);
  return json.data.result;
}

/** The single value of a query that must return exactly one sample. */
export async function promValue(promUrl: string, query: string): Promise<number> {
  const r = await promQuery(promUrl, query);
  if (r.length !== 1) throw new Error(`${query}: expected 1 sample, got ${r.length}`);
  return Number(r[0]!.value[1]);
}

export interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

export async function promExemplars(promUrl: string, query: string): Promise<ExemplarSeries[]> {
  const end = Date.now() / 1000 + 60;
  const start = end - 3600;
  const res = await fetch(
    `${promUrl}/api/v1/query_exemplars?query=${encodeURIComponent(query)}&start=${start}&end=${end}`,
  );
  const json = (await res.json()) as { status: string; data: ExemplarSeries[]; error?: string };
  if (json.status !== 'success') throw new Error(`${query}: ${json.error}`);
  return json.data;
}

export interface FlatSpan {
  name: string;
  traceId: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

function flattenAttrs(list: { key: string; value: Record<string, unknown> }[] = []) {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list) {
    const v = value ?? {};
    out[key] = v.stringValue ?? v.boolValue ?? v.intValue ?? v.doubleValue ?? v;
  }
  return out;
}

/**
 * One trace from Jaeger's OTLP-shaped API v3, `GET /api/v3/traces/{hex id}`: the response is
 * `{"result": <OTLP/JSON TracesData>}` (ids in hex), spans flattened. Throws while the trace is
 * not there yet (HTTP 404), so `eventually` can retry.
 */
export async function traceById(jaegerUrl: string, traceId: string): Promise<FlatSpan[]> {
  const res = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`, {
    headers: { accept: 'application/json' },
  });
  if (res.status !== 200)
    throw new Error(`jaeger trace ${traceId}: HTTP ${res.status} ${await res.text()}`);
  const json: any = await res.json();
  const spans: FlatSpan[] = [];
  for (const rs of json.result?.resourceSpans ?? []) {
    const resource = flattenAttrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          name: s.name,
          traceId: String(s.traceId).toLowerCase(),
          attributes: flattenAttrs(s.attributes),
          resource,
        });
      }
    }
  }
  if (spans.length === 0) throw new Error(`jaeger trace ${traceId}: no spans yet`);
  return spans;
}

export interface FoundSpan extends FlatSpan {
  /** `client`, `server`, `internal`, ... (Jaeger's span.kind tag); '' when unset */
  kind: string;
  durationMs: number;
}

export interface JaegerSearch {
  service: string;
  operation?: string;
  /** attribute = value, each matched on the span, its scope or its resource */
  tags?: Record<string, string>;
  /** e.g. `10ms` */
  minDuration?: string;
  startMs: number;
  endMs: number;
  limit?: number;
}

/**
 * Jaeger's trace search, `GET /api/traces?service=&operation=&tags=&minDuration=&start=&end=`
 * (the API the Jaeger UI uses; API v3's HTTP search takes no attribute filters). Returns every
 * span of the traces found, flattened: span tags as attributes, process tags as the resource.
 */
export async function jaegerSearch(jaegerUrl: string, q: JaegerSearch): Promise<FoundSpan[]> {
  const params = new URLSearchParams({
    service: q.service,
    start: String(q.startMs * 1000),
    end: String(q.endMs * 1000),
    limit: String(q.limit ?? 100),
  });
  if (q.operation) params.set('operation', q.operation);
  if (q.tags && Object.keys(q.tags).length) params.set('tags', JSON.stringify(q.tags));
  if (q.minDuration) params.set('minDuration', q.minDuration);
  const res = await fetch(`${jaegerUrl}/api/traces?${params}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`jaeger search ${params}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const tagMap = (tags: { key: string; value: unknown }[] = []) =>
    Object.fromEntries(tags.map((t) => [t.key, t.value]));
  const out: FoundSpan[] = [];
  for (const trace of (JSON.parse(text) as { data: any[] | null }).data ?? []) {
    for (const s of trace.spans ?? []) {
      const process = trace.processes?.[s.processID] ?? {};
      const attributes = tagMap(s.tags);
      out.push({
        name: s.operationName,
        traceId: s.traceID,
        attributes,
        resource: { 'service.name': process.serviceName, ...tagMap(process.tags) },
        kind: String(attributes['span.kind'] ?? ''),
        durationMs: s.duration / 1000,
      });
    }
  }
  return out;
}
