import { SpanStatusCode, type Span, type TracerProvider } from '@opentelemetry/api';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { XMLHttpRequestInstrumentation } from '@opentelemetry/instrumentation-xml-http-request';
import type { RumContext } from '../context';
import { serverTimingLink } from '../server-timing';
import { urlMatcher } from '../url-match';

const ATTR_ERROR_TYPE = 'error.type';

/**
 * fetch and XHR spans from OpenTelemetry's instrumentations: semconv attributes, Resource Timing
 * events, `traceparent` to the same origin and to `propagateTraceHeaderCorsUrls` only, and never on
 * our own export requests. Each span links to the backend trace its response names in
 * `Server-Timing`, and failed or aborted requests are errors.
 */
export function trackHttp(ctx: RumContext, provider: TracerProvider): { stop(): void } {
  const { config } = ctx;
  const ignoreUrls = [...config.ignoreUrls, config.endpoint].map(urlMatcher);
  const onEnd = (
    span: Span,
    status: number,
    serverTiming: string | null,
    aborted: boolean,
  ): void => {
    const link = serverTimingLink(serverTiming);
    if (link && link.context.traceId !== span.spanContext().traceId) span.addLink(link);
    if (status === 0 || status >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(
        ATTR_ERROR_TYPE,
        aborted ? 'aborted' : status === 0 ? 'network_error' : String(status),
      );
    }
  };

  const common = {
    propagateTraceHeaderCorsUrls: config.propagateTraceHeaderCorsUrls.map(urlMatcher),
    ignoreUrls,
  };
  const instrumentations: Instrumentation[] = [];
  if (config.instrumentations.fetch) {
    instrumentations.push(
      new FetchInstrumentation({
        ...common,
        applyCustomAttributesOnSpan: (span, request, result) => {
          const response = result as Partial<Response> & { message?: string };
          const aborted =
            (request as RequestInit).signal?.aborted === true ||
            /abort/i.test(response.message ?? '');
          const header =
            typeof response.headers?.get === 'function'
              ? response.headers.get('server-timing')
              : null;
          onEnd(span, response.status ?? 0, header, aborted);
        },
      }),
    );
  }
  if (config.instrumentations.xhr) {
    instrumentations.push(
      new XMLHttpRequestInstrumentation({
        ...common,
        applyCustomAttributesOnSpan: (span, xhr) => {
          let header: string | null = null;
          try {
            header = xhr.getResponseHeader('server-timing');
          } catch {
            // not readable (cross-origin without Access-Control-Expose-Headers)
          }
          onEnd(span, xhr.status, header, false);
        },
      }),
    );
  }
  if (!instrumentations.length) return { stop() {} };
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations });
  return { stop: unregister };
}
