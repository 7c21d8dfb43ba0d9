// Runs every Prometheus target of every generated dashboard against the live Prometheus HTTP API,
// the way Grafana would: template variables resolved from label values that exist (All = every
// existing value, escaped as Grafana's Prometheus datasource does), Grafana's interval macros
// replaced, instant or range as the target says. TraceQL targets need Tempo, which compose runs
// but the tests do not (their trace store is Jaeger v2): they are listed as Tempo-only, and a
// TraceQL search panel can be checked through its Jaeger equivalent (checkTraceSearch).
import { jaegerSearch, type FoundSpan } from '../pipeline/query';

export interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  instant?: boolean;
  range?: boolean;
  query?: string;
  queryType?: string;
  metricsQueryType?: string;
  limit?: number;
  spss?: number;
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  definition?: string;
  /** custom: `a,b,c`; textbox: the default value */
  query?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  current?: { value: string | string[] };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export interface TargetResult {
  dashboard: string;
  panel: string;
  refId: string;
  api: string;
  query: string;
  series: number;
  error?: string;
  /** Needs history the test cannot have (`offset 1w`): may be empty, must still run. */
  historical: boolean;
  /** A TraceQL target: Grafana runs it on Tempo (compose); not run here. */
  tempoOnly: boolean;
}

export interface Apis {
  prometheus: string;
  /** Jaeger's query HTTP API (the tests' trace store) */
  jaeger: string;
  /** Seconds of data to look at: `$__range`. */
  rangeSeconds: number;
}

const escapeRegex = (v: string) => v.replace(/[\\^$*+?.()|{}[\]]/g, (c) => `\\\\${c}`);

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const substitute = (q: string, values: Record<string, string>) =>
  q.replace(/\$(\w+)/g, (m, name: string) => values[name] ?? m);

/**
 * Resolves the dashboard's variables in order, each from the label values that exist; a custom
 * variable from its values (All: its `allValue`, as Grafana sends it), a text box from its default.
 * `set` picks a value instead (e.g. `{ navigation: 'soft' }`).
 */
export async function resolveVariables(
  d: Dashboard,
  apis: Apis,
  set: Record<string, string> = {},
): Promise<{ values: Record<string, string>; options: Record<string, string[]> }> {
  const values: Record<string, string> = {};
  const options: Record<string, string[]> = {};
  const end = Math.floor(Date.now() / 1000);
  for (const v of d.templating.list) {
    if (v.type === 'custom' || v.type === 'textbox') {
      options[v.name] = v.type === 'custom' ? (v.query ?? '').split(',').map((x) => x.trim()) : [];
      const all = v.allValue ?? `(${options[v.name]!.map(escapeRegex).join('|')})`;
      const current = String(v.current?.value ?? '');
      values[v.name] =
        set[v.name] ??
        (v.type === 'textbox' ? (v.query ?? current) : current === '$__all' ? all : current);
      continue;
    }
    const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition ?? '');
    if (v.type !== 'query' || !m) throw new Error(`${d.uid}: unsupported variable ${v.name}`);
    const selector = substitute(m[1]!, values);
    const url = `${apis.prometheus}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(selector)}&start=${end - apis.rangeSeconds}&end=${end}`;
    const found: string[] = (await getJson(url)).data;
    if (!found.length) throw new Error(`${d.uid}: variable ${v.name} has no values (${selector})`);
    options[v.name] = found;
    if (v.multi || v.includeAll) {
      values[v.name] =
        found.length === 1 ? escapeRegex(found[0]!) : `(${found.map(escapeRegex).join('|')})`;
    } else {
      const current = String(v.current?.value ?? '');
      values[v.name] = found.includes(current) ? current : found[0]!;
    }
  }
  return { values, options };
}

/** Every panel with targets, rows flattened. */
export function panelsOf(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

const hasFinite = (vals: [number, string][]) => vals.some(([, v]) => v !== 'NaN');

async function runProm(t: Target, q: string, apis: Apis): Promise<number> {
  const end = Math.floor(Date.now() / 1000);
  const base = `${apis.prometheus}/api/v1`;
  const url = t.instant
    ? `${base}/query?query=${encodeURIComponent(q)}&time=${end}`
    : `${base}/query_range?query=${encodeURIComponent(q)}&start=${end - apis.rangeSeconds}&end=${end}&step=15`;
  const json = await getJson(url);
  if (json.status !== 'success') throw new Error(json.error);
  const result: any[] = json.data.result;
  return result.filter((r) => hasFinite(r.value ? [r.value] : r.values)).length;
}

/**
 * Runs one dashboard's Prometheus targets; Grafana's macros replaced with the test's window.
 * TraceQL targets are returned unrun, `tempoOnly`, with their variables resolved.
 */
export async function checkDashboard(
  d: Dashboard,
  apis: Apis,
  set: Record<string, string> = {},
): Promise<TargetResult[]> {
  const { values } = await resolveVariables(d, apis, set);
  const macros: Record<string, string> = {
    __range: `${apis.rangeSeconds}s`,
    __rate_interval: '30s',
    __interval: '15s',
  };
  const out: TargetResult[] = [];
  for (const p of panelsOf(d)) {
    for (const t of p.targets ?? []) {
      const type = t.datasource?.type ?? p.datasource?.type;
      const raw = type === 'tempo' ? t.query! : t.expr!;
      const query = substitute(
        raw.replace(/\$(__\w+)/g, (m, n: string) => macros[n] ?? m),
        values,
      );
      const tempoOnly = type === 'tempo';
      const r: TargetResult = {
        dashboard: d.title,
        panel: p.title,
        refId: t.refId ?? 'A',
        api: tempoOnly ? (t.metricsQueryType ? 'tempo metrics' : 'tempo search') : 'prometheus',
        query,
        series: 0,
        historical: /offset 1w/.test(raw),
        tempoOnly,
      };
      try {
        if (/\$\w/.test(query)) throw new Error('unresolved variable');
        if (!tempoOnly) r.series = await runProm(t, query, apis);
      } catch (err) {
        r.error = (err as Error).message;
      }
      out.push(r);
    }
  }
  return out;
}

/**
 * The Jaeger search equivalent to a TraceQL search panel: the spans the panel lists, found by
 * service, span name or kind, minimum duration and the dashboards' tag filters.
 */
export interface TraceSearchEquivalent {
  /** TraceQL `name = "..."`: Jaeger's operation */
  operation?: string;
  /** TraceQL `kind = client`: every operation Jaeger lists for that span kind */
  spanKind?: 'client' | 'server' | 'internal';
  /** TraceQL `duration > 10ms`: Jaeger's minDuration */
  minDuration?: string;
  /** attributes the TraceQL requires (`!= nil`): on every span listed */
  required?: string[];
  /** attributes the panel shows (`select(...)`): on at least one span listed */
  columns: string[];
  /**
   * An attribute the panel filters by one value (`span.exception.fingerprint =~ "$fingerprint"`):
   * for a few values found, a Jaeger search by that tag must find spans, all with that value.
   */
  groupTag?: string;
}

export interface TraceSearchResult {
  searches: number;
  /** spans matching every condition, found by the tag-filtered searches */
  spans: FoundSpan[];
  /** problems: traces Jaeger returned without a matching span, missing columns */
  errors: string[];
  /** `groupTag` value -> spans the search by that tag alone found */
  groups?: Record<string, number>;
}

const ms = (d: string) => Number(/^(\d+)ms$/.exec(d)?.[1] ?? NaN);

/**
 * Runs `eq` on Jaeger once per service x device class x country that the dashboard's variables
 * offer (TRACE_FILTER's `$service`, `span.rum.device.class`, `resource.geo.country.iso_code`, as
 * Jaeger tags), in the test's window. Every trace Jaeger returns must hold a span that meets all
 * the conditions; those spans are what the panel would list.
 */
export async function checkTraceSearch(
  d: Dashboard,
  eq: TraceSearchEquivalent,
  apis: Apis,
): Promise<TraceSearchResult> {
  const { options } = await resolveVariables(d, apis);
  const endMs = Date.now();
  const startMs = endMs - apis.rangeSeconds * 1000;
  const out: TraceSearchResult = { searches: 0, spans: [], errors: [] };
  for (const service of options.service ?? []) {
    let operations = eq.operation ? [eq.operation] : [];
    if (eq.spanKind) {
      const qs = new URLSearchParams({ service, span_kind: eq.spanKind });
      const json = await getJson(`${apis.jaeger}/api/v3/operations?${qs}`);
      operations = (json.operations ?? []).map((o: { name: string }) => o.name);
    }
    for (const operation of operations)
      for (const device of options.device ?? [])
        for (const country of options.country ?? []) {
          const tags = { 'rum.device.class': device, 'geo.country.iso_code': country };
          const found = await jaegerSearch(apis.jaeger, {
            service,
            operation,
            tags,
            minDuration: eq.minDuration,
            startMs,
            endMs,
          });
          out.searches++;
          const meets = (s: FoundSpan) =>
            s.name === operation &&
            s.resource['service.name'] === service &&
            (!eq.spanKind || s.kind === eq.spanKind) &&
            (!eq.minDuration || s.durationMs >= ms(eq.minDuration)) &&
            s.attributes['rum.device.class'] === device &&
            s.resource['geo.country.iso_code'] === country &&
            (eq.required ?? []).every((a) => s.attributes[a] !== undefined);
          for (const id of new Set(found.map((s) => s.traceId))) {
            const mine = found.filter((s) => s.traceId === id && meets(s));
            if (!mine.length)
              out.errors.push(
                `${service}/${operation} ${JSON.stringify(tags)}: trace ${id} has no such span`,
              );
            out.spans.push(...mine);
          }
        }
  }
  for (const c of eq.columns)
    if (out.spans.length && !out.spans.some((s) => s.attributes[c] !== undefined))
      out.errors.push(`no span found carries ${c}`);
  if (eq.groupTag) out.groups = await checkGroups(eq, eq.groupTag, out, startMs, endMs, apis);
  return out;
}

/**
 * One group at a time, as the panel shows it with its variable set: for up to 3 values of `tag`
 * among the spans found, Jaeger's search by service, operation and that tag alone finds spans of
 * that group and no other.
 */
async function checkGroups(
  eq: TraceSearchEquivalent,
  tag: string,
  out: TraceSearchResult,
  startMs: number,
  endMs: number,
  apis: Apis,
): Promise<Record<string, number>> {
  const groups: Record<string, number> = {};
  const seen = new Map<string, string>(); // value -> service
  for (const s of out.spans) {
    const v = s.attributes[tag];
    if (typeof v === 'string' && !seen.has(v)) seen.set(v, String(s.resource['service.name']));
  }
  if (!seen.size) out.errors.push(`no span found carries ${tag}`);
  for (const [value, service] of [...seen].slice(0, 3)) {
    const found = await jaegerSearch(apis.jaeger, {
      service,
      operation: eq.operation,
      tags: { [tag]: value },
      startMs,
      endMs,
    });
    out.searches++;
    // Jaeger returns whole traces: each must hold a span of this group (a page view's trace can
    // hold errors of other groups too)
    const mine = found.filter((s) => s.name === eq.operation && s.attributes[tag] === value);
    for (const id of new Set(found.map((s) => s.traceId)))
      if (!mine.some((s) => s.traceId === id))
        out.errors.push(`${tag}=${value}: trace ${id} has no ${eq.operation} span of that group`);
    if (!mine.length) out.errors.push(`${tag}=${value}: Jaeger found no ${eq.operation} span`);
    groups[value] = mine.length;
  }
  return groups;
}
