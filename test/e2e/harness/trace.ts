/** One main-thread task of a Chromium performance trace, and how much of it ran our script. */
export interface TraceTask {
  /** Wall time of the task. */
  ms: number;
  /** Time the main thread was on a CPU during the task (the rest it waited to be scheduled). */
  cpuMs: number;
  /** Wall time of the calls into scripts whose URL contains the marker. */
  ours: number;
  /** CPU time of those calls: the work our script did in the task. */
  oursCpu: number;
  /** Those calls: what the browser ran (event, timer, function), wall / CPU ms. */
  calls: string[];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, when the trace has thread timestamps. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { url?: string; frame?: string; functionName?: string; type?: string };
  };
}

const SCRIPT_EVENTS = new Set(['FunctionCall', 'EvaluateScript', 'TimerFire', 'EventDispatch']);

const ms = (us: number | undefined): number => (us ?? 0) / 1000;
/** Without a thread timestamp the wall time stands in: never less than the real CPU time. */
const cpu = (e: TraceEvent): number => ms(e.tdur ?? e.dur);
const sum = (events: TraceEvent[], of: (e: TraceEvent) => number): number =>
  events.reduce((n, e) => n + of(e), 0);

/**
 * Reads a trace recorded with the DevTools Performance panel's categories (`devtools.timeline`,
 * its disabled-by-default part and `toplevel`): the renderer main threads' top-level tasks, those
 * of 50 ms or more (long tasks) with the wall and CPU time of our script's calls in them, and the
 * longest single call into a script whose URL contains `marker`.
 *
 * CPU (thread) time tells our work apart from waiting: on a loaded machine a navigation's task can
 * last 70 ms while its thread runs for 15 ms, and every call in it looks slow by the wall clock.
 */
export function longTasksFrom(
  trace: Buffer,
  marker: string,
): { tasks: number; long: TraceTask[]; longestOurs: number; longestOursCpu: number } {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mainThreads = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = (e: TraceEvent) => mainThreads.has(`${e.pid}:${e.tid}`) && e.ph === 'X';
  // a task appears as RunTask with ThreadControllerImpl::RunTask nested in it: the outer one counts
  const tasks: TraceEvent[] = [];
  const lastOn = new Map<string, TraceEvent>();
  const candidates = events.filter(
    (e) => onMain(e) && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'),
  );
  for (const e of candidates.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))) {
    const thread = `${e.pid}:${e.tid}`;
    const outer = lastOn.get(thread);
    if (outer && e.ts < outer.ts + (outer.dur ?? 0)) continue;
    lastOn.set(thread, e);
    tasks.push(e);
  }
  const ours = events.filter(
    (e) => onMain(e) && SCRIPT_EVENTS.has(e.name) && e.args?.data?.url?.includes(marker),
  );
  const long = tasks
    .filter((t) => (t.dur ?? 0) >= 50_000)
    .map((t) => {
      const inside = ours.filter(
        (o) => o.pid === t.pid && o.tid === t.tid && o.ts >= t.ts && o.ts < t.ts + t.dur!,
      );
      return {
        ms: ms(t.dur),
        cpuMs: cpu(t),
        ours: sum(inside, (o) => ms(o.dur)),
        oursCpu: sum(inside, cpu),
        calls: inside.map(
          (o) =>
            `${o.name} ${o.args?.data?.functionName || o.args?.data?.type || ''} ${ms(o.dur).toFixed(1)} / ${cpu(o).toFixed(1)} ms`,
        ),
      };
    });
  return {
    tasks: tasks.length,
    long,
    longestOurs: Math.max(0, ...ours.map((o) => ms(o.dur))),
    longestOursCpu: Math.max(0, ...ours.map(cpu)),
  };
}
