import { defineConfig } from 'vitest/config';

// unit: fast, node, browser APIs replaced through src/browser/.
// e2e: the built SDK in Debian's Chromium against a test OTLP receiver and the demo server.
// demo: the demo shop, the traffic generator and `npm run stack`.
// engines: the same SDK in Firefox ESR (WebDriver BiDi) and WebKitGTK (WebKitWebDriver).
// pipeline: the real collector build, Prometheus and Tempo, driven by OTLP and by the real SDK.
// dashboards: every Grafana panel query against live Prometheus/Tempo filled by real browsers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'demo',
          include: ['test/demo/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'engines',
          include: ['test/engines/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'pipeline',
          include: ['test/pipeline/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'dashboards',
          include: ['test/dashboards/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
