// Runs every target of every generated dashboard against the live Prometheus / Tempo HTTP APIs,
// the way Grafana would: template variables resolved from label values that exist (All = every
// existing value, escaped as Grafana's Prometheus datasource does), Grafana's interval macros
// replaced, instant or range as the target says, TraceQL search or TraceQL metrics for Tempo.

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
  multi?: boolean;
  includeAll?: boolean;
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
}

export interface Apis {
  prometheus: string;
  tempo: string;
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

/** Resolves the dashboard's variables in order, each from the label values that exist. */
export async function resolveVariables(
  d: Dashboard,
  apis: Apis,
): Promise<{ values: Record<string, string>; options: Record<string, string[]> }> {
  const values: Record<string, string> = {};
  const options: Record<string, string[]> = {};
  const end = Math.floor(Date.now() / 1000);
  for (const v of d.templating.list) {
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

async function runTempo(t: Target, q: string, apis: Apis): Promise<number> {
  const end = Math.floor(Date.now() / 1000);
  const start = end - apis.rangeSeconds;
  const qs = `q=${encodeURIComponent(q)}&start=${start}&end=${end}`;
  if (t.metricsQueryType) {
    const path = t.metricsQueryType === 'instant' ? 'query' : 'query_range';
    const json = await getJson(`${apis.tempo}/api/metrics/${path}?${qs}&step=60s`);
    return (json.series ?? []).length;
  }
  const json = await getJson(
    `${apis.tempo}/api/search?${qs}&limit=${t.limit ?? 20}&spss=${t.spss ?? 3}`,
  );
  return (json.traces ?? []).length;
}

/** Runs one dashboard's targets; Grafana's macros replaced with the test's window. */
export async function checkDashboard(d: Dashboard, apis: Apis): Promise<TargetResult[]> {
  const { values } = await resolveVariables(d, apis);
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
      const r: TargetResult = {
        dashboard: d.title,
        panel: p.title,
        refId: t.refId ?? 'A',
        api:
          type === 'tempo' ? (t.metricsQueryType ? 'tempo metrics' : 'tempo search') : 'prometheus',
        query,
        series: 0,
        historical: /offset 1w/.test(raw),
      };
      try {
        if (/\$\w/.test(query)) throw new Error('unresolved variable');
        r.series =
          type === 'tempo' ? await runTempo(t, query, apis) : await runProm(t, query, apis);
      } catch (err) {
        r.error = (err as Error).message;
      }
      out.push(r);
    }
  }
  return out;
}
