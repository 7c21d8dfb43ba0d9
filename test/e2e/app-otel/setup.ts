// An app's own OpenTelemetry web setup, as a team that already runs OpenTelemetry has it:
// bundled by the coexistence test and loaded on a page beside otel-rum, before or after it.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';

(window as unknown as Record<string, unknown>).setupAppOtel = (endpoint: string, api: string) => {
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'app-own-otel' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }), {
        scheduledDelayMillis: 200,
      }),
    ],
  });
  // the default StackContextManager and W3C propagators, registered globally
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new FetchInstrumentation({
        propagateTraceHeaderCorsUrls: [api],
        ignoreUrls: [/\/v1\/traces/],
      }),
    ],
  });
  return provider;
};
