// `npm test`: everything CI checks, in order, stopping at the first failure.
// build -> types -> lint -> bundle budget -> Go unit tests (our collector processor) -> Go builds
// (collector, Prometheus, Jaeger) -> config checks -> vitest project by project (unit, e2e in
// Chromium, engines, demo, pipeline, dashboards).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['build', 'node', ['scripts/build.mjs']],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['typecheck tests', 'npx', ['tsc', '-p', 'tsconfig.test.json', '--noEmit']],
  ['typecheck demo shop', 'npx', ['tsc', '-p', 'demo/web/tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.']],
  ['bundle budget', 'node', ['scripts/size.mjs']],
  [
    'dashboards regenerate to the committed JSON',
    'npx',
    ['tsx', 'scripts/grafana/dashboards.ts', '--check'],
  ],
  [
    'docker-compose.yml against the Compose Specification',
    'node',
    ['scripts/grafana/validate-compose.mjs'],
  ],
];
// Our own collector components (Go modules under otel-collector/processor/): unit tests first
const sourcemapProcessor = 'otel-collector/processor/sourcemap';
if (existsSync(`${sourcemapProcessor}/go.mod`)) {
  steps.push([
    'sourcemap processor: go test',
    'bash',
    ['-c', `cd ${sourcemapProcessor} && go test ./...`],
  ]);
}
if (existsSync('scripts/collector/build.sh')) {
  steps.push(['collector build (cached)', 'bash', ['scripts/collector/build.sh']]);
}
const goBuild = 'scripts/collector/build-go-program.sh';
if (existsSync(goBuild)) {
  // Prometheus 3 (the release compose runs) and Jaeger v2 from Go modules, cached
  const both = `${goBuild} prometheus && ${goBuild} jaeger`;
  steps.push(['Prometheus and Jaeger builds (cached)', 'bash', ['-c', both]]);
}
if (existsSync('scripts/collector/check.sh')) {
  steps.push([
    'collector, Prometheus and Jaeger config checks',
    'bash',
    ['scripts/collector/check.sh'],
  ]);
}
// One vitest project at a time: the browser and pipeline suites time real pages and servers,
// and on a 2-core machine running them side by side makes those timings the machine's, not ours.
const only = process.argv.slice(2);
const PROJECTS = ['unit', 'e2e', 'engines', 'demo', 'pipeline', 'dashboards'];
if (only.length) steps.push(['vitest', 'npx', ['vitest', 'run', ...only]]);
else
  for (const project of PROJECTS)
    steps.push([`vitest ${project}`, 'npx', ['vitest', 'run', '--project', project]]);

for (const [name, cmd, args] of steps) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n=== FAILED: ${name} (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  console.log(`=== ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
