/** One main-thread task of a Chromium performance trace, and how much of it ran our script. */
export interface TraceTask {
  ms: number;
  /** ms spent in calls into scripts whose URL contains the marker. */
  ours: number;
  /** Those calls: what the browser ran (event, timer, function) and for how long. */
  calls: string[];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { url?: string; frame?: string; functionName?: string; type?: string };
  };
}

const SCRIPT_EVENTS = new Set(['FunctionCall', 'EvaluateScript', 'TimerFire', 'EventDispatch']);

/**
 * Reads a trace recorded with the DevTools Performance panel's categories (`devtools.timeline`,
 * its disabled-by-default part and `toplevel`): the renderer main threads' top-level tasks, those of 50 ms or more (long tasks),
 * and the longest call into a script whose URL contains `marker`.
 */
export function longTasksFrom(
  trace: Buffer,
  marker: string,
): { tasks: number; long: TraceTask[]; longestOurs: number } {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mainThreads = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = (e: TraceEvent) => mainThreads.has(`${e.pid}:${e.tid}`) && e.ph === 'X';
  const tasks = events.filter(
    (e) => onMain(e) && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'),
  );
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
        ms: t.dur! / 1000,
        ours: inside.reduce((n, o) => n + (o.dur ?? 0), 0) / 1000,
        calls: inside.map(
          (o) =>
            `${o.name} ${o.args?.data?.functionName || o.args?.data?.type || ''} ${((o.dur ?? 0) / 1000).toFixed(1)} ms`,
        ),
      };
    });
  return {
    tasks: tasks.length,
    long,
    longestOurs: Math.max(0, ...ours.map((o) => (o.dur ?? 0) / 1000)),
  };
}
