// Every panel of every generated dashboard returns data from the real pipeline: real Chromium
// runs the real SDK on the e2e pages served by the demo server, the real collector (our config)
// feeds Tempo and Prometheus, and each panel target runs against their HTTP APIs the way
// Grafana would run it. Also: the committed JSON is what the generator makes, the alert rules
// pass `promtool test rules` and load in the running Prometheus.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { freePort, startPipeline, ROOT } from '../../scripts/lib/services.mjs';
import { DASHBOARD_DIR, renderDashboards } from '../../scripts/grafana/dashboards';
import { launchChromium } from '../e2e/harness/browser';
import { startDemo, type DemoServer } from '../e2e/harness/demo';
import { eventually, promQuery } from '../pipeline/query';
import { checkDashboard, panelsOf, type Dashboard, type TargetResult } from './panels';
import { driveTraffic } from './traffic';

let stack: any;
let demo: DemoServer | undefined;
let trafficStart = 0;

beforeAll(async () => {
  // The demo needs the collector's URL and the collector needs the demo's origin (CORS): fix the
  // collector's port first.
  const otlpPort: number = await freePort();
  const collector = `http://127.0.0.1:${otlpPort}`;
  demo = await startDemo({ collector, webRoot: join(ROOT, 'test/e2e/pages') });
  stack = await startPipeline({
    ports: 'free',
    collectorOptions: {
      otlpPort,
      corsOrigins: [demo.web],
      env: { RUM_SPANMETRICS_FLUSH_INTERVAL: '1s' },
    },
    prometheusOptions: { scrapeInterval: '1s' },
  });
  console.log(`[dashboards] logs in ${stack.dir}`);
  const browser = await launchChromium();
  trafficStart = Date.now();
  try {
    await driveTraffic(browser.browser, demo.web, collector, 3);
  } finally {
    await browser.close();
  }
  // everything the last page views sent is scraped and searchable
  await eventually(async () => {
    const r = await promQuery(stack.prometheus.url, 'sum(rum_custom_events_total)');
    if (!r.length) throw new Error('no custom events in Prometheus yet');
  }, 60_000);
  await new Promise((r) => setTimeout(r, 10_000));
});

afterAll(async () => {
  await demo?.stop();
  await stack?.stop();
});

const dashboards = (): [string, Dashboard][] =>
  Object.keys(renderDashboards()).map((f) => [
    f,
    JSON.parse(readFileSync(join(DASHBOARD_DIR, f), 'utf8')),
  ]);

describe('dashboards', () => {
  it('the committed JSON is what scripts/grafana/dashboards.ts generates', () => {
    for (const [file, text] of Object.entries(renderDashboards())) {
      expect(readFileSync(join(DASHBOARD_DIR, file), 'utf8'), file).toBe(text);
    }
  });

  it('every panel returns data from the live Prometheus and Tempo', async () => {
    const apis = {
      prometheus: stack.prometheus.url,
      tempo: stack.tempo.url,
      rangeSeconds: Math.ceil((Date.now() - trafficStart) / 1000) + 60,
    };
    const results: TargetResult[] = [];
    let panels = 0;
    let withData = 0;
    const empty: string[] = [];
    for (const [file, d] of dashboards()) {
      const r = await checkDashboard(d, apis);
      results.push(...r);
      for (const p of panelsOf(d)) {
        const mine = r.filter((t) => t.panel === p.title);
        panels++;
        // a panel has data when every target does, except week-over-week ones (no week of history)
        const missing = mine.filter((t) => t.error || (t.series === 0 && !t.historical));
        if (mine.length && !missing.length && mine.some((t) => t.series > 0)) withData++;
        else
          empty.push(
            `${file} / ${p.title}: ${missing.map((t) => `[${t.refId}] ${t.error ?? 'no data'}: ${t.query}`).join('; ')}`,
          );
      }
    }
    const historical = results.filter((t) => t.historical);
    console.log(
      `[dashboards] panels checked ${panels} / returning data ${withData}; targets ${results.length}, ` +
        `with data ${results.filter((t) => t.series > 0).length}; ` +
        `${historical.length} week-over-week targets ran without error, empty: they need a week of history`,
    );
    if (empty.length) console.log(`[dashboards] empty panels:\n  ${empty.join('\n  ')}`);
    expect(historical.every((t) => !t.error)).toBe(true);
    expect(empty).toEqual([]);
  });
});

describe('alert rules', () => {
  it('pass promtool test rules (a firing and a not-firing case per alert)', async () => {
    const { stdout } = await promisify(execFile)('promtool', [
      'test',
      'rules',
      join(ROOT, 'prometheus/rules/tests/rum-alerts.test.yml'),
    ]);
    expect(stdout).toContain('SUCCESS');
  });

  it('load and evaluate in the running Prometheus', async () => {
    const res = await fetch(`${stack.prometheus.url}/api/v1/rules`);
    const groups: any[] = (await res.json()).data.groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(groups.map((g) => g.name).sort()).toEqual(['rum-errors-and-delivery', 'rum-web-vitals']);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'RumClsP75Poor',
      'RumErrorRateSpike',
      'RumInpP75Poor',
      'RumLcpP75Poor',
      'RumTelemetryStopped',
    ]);
    for (const r of rules) expect(r.health, `${r.name}: ${r.lastError}`).not.toBe('err');
  });
});
