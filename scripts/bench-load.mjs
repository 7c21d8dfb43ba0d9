// `npm run bench`, main thread during load: each candidate's script on the same page in Chromium,
// loads interleaved (candidate after candidate, round after round, a fresh profile each), medians.
// Per round and candidate, two loads. One: script evaluation (from its last byte arriving to its
// end) and init call (performance.now around it), long tasks until 6 s after `load`, and then the
// JS heap after a forced GC minus the same page without any RUM script (by then every candidate
// that sends has sent its first batch: checked). The other, under a sampling CPU profiler: our
// script's CPU until 1 s after `load` (in total, and in the busiest task: consecutive non-idle
// samples). A candidate's `lazy` file is served at /otel-rum.lazy.js, where a loader looks for it;
// its CPU counts as the candidate's, and it has loaded before the heap is measured.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { launchChromium } from './lib/chromium.mjs';

/** When the heap is measured, after `load`. */
const HEAP_AFTER_MS = 6_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** CPU ms of frames from `/lib.js` in a CPU profile: total, and the most in one busy run. */
function libCpu(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ours = new Map();
  const isOurs = (id) => {
    if (ours.has(id)) return ours.get(id);
    const node = byId.get(id);
    const url = node.callFrame.url;
    const v =
      url.includes('/lib.js') ||
      url.includes('/otel-rum.lazy.js') ||
      (parent.has(id) && isOurs(parent.get(id)));
    ours.set(id, v);
    return v;
  };
  let total = 0;
  let run = 0;
  let worst = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (IDLE.has(byId.get(id).callFrame.functionName)) {
      worst = Math.max(worst, run);
      run = 0;
      return;
    }
    if (isOurs(id)) {
      total += ms;
      run += ms;
    }
  });
  return { total, worst: Math.max(worst, run) };
}

/**
 * @param {Record<string, { file?: string, lazy?: string, init: string }>} candidates script, the
 *   file its loader adds (if any) and init call
 * @param {number} loads loads per candidate
 */
export async function benchLoad(candidates, loads) {
  const all = { 'no RUM script (baseline)': { init: '' }, ...candidates };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    // scripts at /c/<candidate>/: a loader finds its lazy file next to itself
    const [, dir, file] = url.pathname.match(/^\/c\/([^/]+)\/(.*)$/) ?? [];
    const c = all[decodeURIComponent(dir ?? url.searchParams.get('c') ?? '')];
    if (file === 'otel-rum.lazy.js' && c?.lazy) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(c.lazy));
      return;
    }
    if (file === 'lib.js') {
      res
        .writeHead(200, { 'content-type': 'text/javascript' })
        .end(c?.file ? readFileSync(c.file) : '');
      return;
    }
    if (url.pathname === '/v1/traces') {
      if (req.method === 'POST') exported++;
      res.writeHead(200, { 'access-control-allow-origin': '*' }).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>
<script>
  window.longTasks = [];
  try { new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((e) => e.duration)))
    .observe({ type: 'longtask', buffered: true }); } catch {}
  window.t0 = performance.now();
</script>
<script src="/c/${encodeURIComponent(url.searchParams.get('c'))}/lib.js"></script>
<script>
  window.t1 = performance.now();
  const ENDPOINT = location.origin;
  ${c?.init ?? ''};
  window.t2 = performance.now();
</script></head><body><h1>bench</h1><img src="/x.png" width="10" height="10"></body></html>`);
  });
  let exported = 0;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchChromium();
  const samples = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
  /**
   * One fresh load of `name`. With `profile`, only our script's CPU (a sampling profiler running
   * changes what it measures: compiled code keeps more, every task runs slower); without it, the
   * timings, long tasks and heap.
   */
  const load = async (name, profile) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      if (profile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      exported = 0;
      await page.goto(`${base}/?c=${encodeURIComponent(name)}`, { waitUntil: 'load' });
      // the heap once every candidate has made and sent its first batch (OpenTelemetry's batch
      // processor waits 5 s; ours sends what the page did during load as soon as it has started)
      await page.waitForTimeout(profile ? 1_000 : HEAP_AFTER_MS);
      if (profile) return { cpu: libCpu((await cdp.send('Profiler.stop')).profile) };
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const t = await page.evaluate(() => ({
        // from the script's last byte (not from the tag: the fetch is the network's time)
        evaluate:
          window.t1 -
          Math.max(
            window.t0,
            performance.getEntriesByType('resource').find((e) => e.name.endsWith('/lib.js'))
              ?.responseEnd ?? 0,
          ),
        init: window.t2 - window.t1,
        longTasks: window.longTasks,
        lazyLoaded: performance
          .getEntriesByType('resource')
          .some((e) => e.name.includes('/otel-rum.lazy.js')),
      }));
      return { ...t, heap: usedSize, exported };
    } finally {
      await context.close();
    }
  };
  try {
    for (let round = 0; round < loads; round++) {
      for (const name of Object.keys(all)) {
        samples[name].push({ ...(await load(name, false)), ...(await load(name, true)) });
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const baseHeap = median(samples['no RUM script (baseline)'].map((s) => s.heap));
  console.log(
    `\n## Main thread during load in Chromium (medians of ${loads} interleaved fresh loads)\n`,
  );
  console.log(
    '| script | evaluate ms | init ms | eval + init ms | our CPU during load ms | in the busiest task ms | long tasks (max ms) | heap after GC |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const rows = {};
  for (const [name, runs] of Object.entries(samples)) {
    if (!all[name].file) continue;
    const evaluate = median(runs.map((r) => r.evaluate));
    const init = median(runs.map((r) => r.init));
    const longTasks = median(runs.map((r) => r.longTasks.length));
    const longest = Math.max(0, ...runs.flatMap((r) => r.longTasks));
    const row = {
      evaluate,
      init,
      total: median(runs.map((r) => r.evaluate + r.init)),
      cpu: median(runs.map((r) => r.cpu.total)),
      worstTask: median(runs.map((r) => r.cpu.worst)),
      longTasks,
      longest,
      heapKB: (median(runs.map((r) => r.heap)) - baseHeap) / 1024,
    };
    if (all[name].lazy && !runs.every((r) => r.lazyLoaded)) {
      throw new Error(
        `${name}: the lazy part had not loaded when the heap was measured, in some run`,
      );
    }
    if (all[name].sends && !runs.every((r) => r.exported > 0)) {
      throw new Error(`${name}: had not sent a batch when its heap was measured, in some run`);
    }
    rows[name] = row;
    console.log(
      `| ${name} | ${evaluate.toFixed(1)} | ${init.toFixed(1)} | ${row.total.toFixed(1)} | ${row.cpu.toFixed(1)} | ${row.worstTask.toFixed(1)} | ${longTasks} (${longest.toFixed(0)}) | +${row.heapKB.toFixed(0)} KB |`,
    );
  }
  return rows;
}
