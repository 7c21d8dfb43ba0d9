// The alternative a team would write by hand: OpenTelemetry's web tracer, the OTLP/HTTP exporter,
// the fetch and XHR instrumentations and web-vitals' attribution build, reporting each vital as a
// span. Built exactly like our IIFE.
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { XMLHttpRequestInstrumentation } from '@opentelemetry/instrumentation-xml-http-request';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals/attribution';

export function init(endpoint: string): void {
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bare' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })),
    ],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new FetchInstrumentation(), new XMLHttpRequestInstrumentation()],
  });
  const tracer = provider.getTracer('bare');
  const report = (m: Metric) =>
    tracer
      .startSpan('web_vital', {
        attributes: { 'browser.web_vital.name': m.name, 'browser.web_vital.value': m.value },
      })
      .end();
  onLCP(report);
  onINP(report);
  onCLS(report);
  onFCP(report);
  onTTFB(report);
}
