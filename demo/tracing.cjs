// OpenTelemetry for the demo's Node servers: must be required before `http`, so the HTTP
// instrumentation can wrap it. Exports OTLP/HTTP to the same collector the browser uses.
'use strict';
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || 'http://127.0.0.1:4318').replace(
  /\/+$/,
  '',
);
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({
    'service.name': process.env.OTEL_SERVICE_NAME || 'shop-api',
    'deployment.environment.name': process.env.DEMO_ENVIRONMENT || 'local',
  }),
  spanProcessors: [
    new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), {
      scheduledDelayMillis: Number(process.env.OTEL_BSP_SCHEDULE_DELAY || 1000),
    }),
  ],
});
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    new HttpInstrumentation({
      // the exporter's own requests to the collector are not traced
      ignoreOutgoingRequestHook: () => true,
      ignoreIncomingRequestHook: (req) => req.method === 'OPTIONS' || req.url === '/healthz',
    }),
  ],
});

module.exports = { provider };
