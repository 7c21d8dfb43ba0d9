// Prometheus and Tempo HTTP API helpers for the pipeline tests.

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

/** GET /api/traces/<id> as JSON; spans flattened. Throws on 404 so it can be retried. */
export async function tempoTrace(tempoUrl: string, traceId: string): Promise<FlatSpan[]> {
  const res = await fetch(`${tempoUrl}/api/traces/${traceId}`, {
    headers: { accept: 'application/json' },
  });
  if (res.status !== 200)
    throw new Error(`tempo trace ${traceId}: HTTP ${res.status} ${await res.text()}`);
  const json: any = await res.json();
  const batches = json.batches ?? json.resourceSpans ?? json.trace?.resourceSpans ?? [];
  const spans: FlatSpan[] = [];
  for (const b of batches) {
    const resource = flattenAttrs(b.resource?.attributes);
    for (const ss of b.scopeSpans ?? b.instrumentationLibrarySpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          name: s.name,
          traceId: Buffer.from(s.traceId, 'base64').toString('hex'),
          attributes: flattenAttrs(s.attributes),
          resource,
        });
      }
    }
  }
  if (spans.length === 0) throw new Error(`tempo trace ${traceId}: no spans yet`);
  return spans;
}
