import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type TracerProvider,
} from '@opentelemetry/api';
import { perfNow } from '../browser/dom';
import { patchHttp, type HttpHandler } from '../browser/http-patch';
import { createResourceTimings } from '../browser/resource-timing';
import type { RumContext } from '../context';
import * as S from '../semconv';
import { serverTimingLink } from '../server-timing';
import { requestFilter } from '../url-match';
import { VERSION } from '../version';

/** semconv's known methods; any other is `_OTHER` (the original in `http.request.method_original`). */
const METHODS = [
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
];

/** Resource Timing marks that become span events, as OpenTelemetry's web instrumentations add them. */
const NETWORK_EVENTS = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
] as const;

/**
 * How long an ended request waits for its Resource Timing entry, which comes when the body is
 * complete (after fetch resolves; around XHR's loadend). Usually there already or within a few ms.
 */
const RESOURCE_WAIT_MS = 1_000;

/**
 * fetch/XHR tracing: a CLIENT span per request (semconv attributes, Resource Timing events),
 * `traceparent` to the same origin and to `propagateTraceHeaderCorsUrls` only, never on our own
 * export requests. Each span links to the backend trace its response names in `Server-Timing`,
 * and failed or aborted requests are errors.
 */
export function trackHttp(ctx: RumContext, provider: TracerProvider): { stop(): void } {
  const handler = httpHandler(ctx, provider);
  return { stop: patchHttp(() => handler) };
}

/** What `patchHttp` calls per request: can be installed early and handed in later. */
export function httpHandler(ctx: RumContext, provider: TracerProvider): HttpHandler {
  const { config } = ctx;
  const requests = requestFilter(config);
  const tracer = provider.getTracer('otel-rum', VERSION);
  const timings = createResourceTimings();

  return {
    start({ kind, method, url, startTime }) {
      if (!config.instrumentations[kind] || !requests.traced(url)) return undefined;
      const parsed = new URL(url);
      const upper = method.toUpperCase();
      const name = METHODS.includes(upper) ? upper : '_OTHER';
      const port = Number(parsed.port || { 'https:': 443, 'http:': 80 }[parsed.protocol]);
      const attributes: Attributes = {
        [S.ATTR_HTTP_REQUEST_METHOD]: name,
        [S.ATTR_URL_FULL]: url,
        [S.ATTR_SERVER_ADDRESS]: parsed.hostname,
      };
      if (name !== method) attributes[S.ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
      if (port) attributes[S.ATTR_SERVER_PORT] = port;
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime });
      const sc = span.spanContext();
      const resource = timings.track(kind === 'fetch' ? 'fetch' : 'xmlhttprequest', url, startTime);
      let headers: Record<string, string> | undefined;
      if (requests.propagates(url)) {
        headers = {
          traceparent: `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`,
        };
        const state = sc.traceState?.serialize();
        if (state) headers.tracestate = state;
      }
      return {
        headers,
        // an instrumentation inside ours (the app's own) starts its span under this one
        run: (call) => context.with(trace.setSpan(context.active(), span), call),
        end({ status, serverTiming, aborted, endTime }) {
          // already ended (the page was hidden meanwhile) when it is not recording
          if (span.isRecording()) {
            const link = serverTimingLink(serverTiming);
            if (link && link.context.traceId !== sc.traceId) span.addLink(link);
            // semconv: only a response that was received has a status code
            if (status) span.setAttribute(S.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
            if (!status || status >= 400) {
              span.setStatus({ code: SpanStatusCode.ERROR });
              span.setAttribute(
                S.ATTR_ERROR_TYPE,
                aborted ? 'aborted' : status ? String(status) : 'network_error',
              );
            }
          }
          // a request that ended long ago (made before the SDK's rest loaded) has its entry by now
          const wait = status && /^https?:/.test(url) && perfNow() - endTime < RESOURCE_WAIT_MS;
          resource(wait ? RESOURCE_WAIT_MS : 0, (entry) => {
            if (!span.isRecording()) return;
            if (entry) {
              for (const mark of NETWORK_EVENTS) {
                if (entry[mark]) span.addEvent(mark, entry[mark]);
              }
            }
            span.end(Math.max(endTime, entry?.responseEnd ?? 0));
          });
        },
      };
    },
  };
}
