#!/usr/bin/env node
// The pipeline half of `npm run stack`: Jaeger v2 (the trace store), the collector (our build,
// our config) and Prometheus on 127.0.0.1, ports from the environment (see
// scripts/lib/services.mjs), printed once everything is healthy; Ctrl-C stops them in reverse
// order.
//   node scripts/collector/stack.mjs
// The full stack script can import startPipelineStack() and add the demo servers.
import { pathToFileURL } from 'node:url';
import { startPipeline } from '../lib/services.mjs';

export async function startPipelineStack(o = {}) {
  const origins = process.env.RUM_CORS_ALLOWED_ORIGINS
    ? JSON.parse(process.env.RUM_CORS_ALLOWED_ORIGINS)
    : ['http://127.0.0.1:8080', 'http://localhost:8080'];
  const stack = await startPipeline({
    collectorOptions: { corsOrigins: origins, ...o.collectorOptions },
    prometheusOptions: o.prometheusOptions,
    jaegerOptions: o.jaegerOptions,
  });
  const { jaeger, collector, prometheus } = stack;
  console.log(
    [
      `collector  OTLP/HTTP ${collector.otlpUrl}/v1/traces  (CORS: ${origins.join(', ')})`,
      `           health    ${collector.healthUrl}`,
      `           metrics   ${collector.metricsUrl}`,
      `prometheus ${prometheus.url}`,
      `jaeger     ${jaeger.url}  (query API; OTLP gRPC ${jaeger.otlpGrpcEndpoint})`,
      `logs       ${stack.dir}`,
    ].join('\n'),
  );
  return stack;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const stack = await startPipelineStack();
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping ...');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
