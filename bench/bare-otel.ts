// The alternative a team would write by hand: OpenTelemetry's web tracer, the OTLP/HTTP exporter,
// the fetch and XHR instrumentations and web-vitals' attribution build, reporting each vital as a
// span. Built exactly like our IIFE. `initWithAttributes` adds what segmenting users needs (our
// attributes, read from the same browser APIs, and a session id kept in sessionStorage): the same
// features as ours with only these instrumentations on, to tell the cost of the features from the
// cost of our code.
import type { Attributes } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { XMLHttpRequestInstrumentation } from '@opentelemetry/instrumentation-xml-http-request';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  WebTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from 'web-vitals/attribution';

function start(endpoint: string, resource: Attributes, onStart?: SpanProcessor['onStart']): void {
  const batch = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }));
  const processors: SpanProcessor[] = [batch];
  if (onStart) {
    processors.unshift({
      onStart,
      onEnd: () => undefined,
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    });
  }
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: processors,
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

export function init(endpoint: string): void {
  start(endpoint, { 'service.name': 'bare' });
}

interface Nav extends Navigator {
  userAgentData?: {
    brands: { brand: string; version: string }[];
    mobile: boolean;
    platform: string;
  };
  connection?: { type?: string; effectiveType?: string };
  deviceMemory?: number;
}

export function initWithAttributes(endpoint: string): void {
  const nav = navigator as Nav;
  const ua = nav.userAgentData;
  let session = sessionStorage.getItem('session.id');
  if (!session) {
    session = [...crypto.getRandomValues(new Uint8Array(16))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    sessionStorage.setItem('session.id', session);
  }
  start(
    endpoint,
    {
      'service.name': 'bare',
      'browser.brands': ua?.brands.map((b) => `${b.brand} ${b.version}`),
      'browser.platform': ua?.platform,
      'browser.mobile': ua?.mobile,
      'browser.language': nav.language,
      'user_agent.original': nav.userAgent,
      'rum.screen.width': screen.width,
      'rum.screen.height': screen.height,
      'rum.device.pixel_ratio': devicePixelRatio,
      'rum.device.memory_gb': nav.deviceMemory,
      'rum.device.cores': nav.hardwareConcurrency,
    },
    (span) =>
      span.setAttributes({
        'session.id': session,
        'url.full': location.href,
        'network.connection.type': nav.connection?.type,
        'rum.network.effective_type': nav.connection?.effectiveType,
      }),
  );
}
