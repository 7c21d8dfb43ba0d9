import {
  context as api,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { randomHex } from '../session/sampling';
import { VERSION } from '../version';
import { RecordingSpan, type ReadableSpan, type SdkSpan } from './span';

export interface SpanProcessor {
  onStart(span: SdkSpan, parentContext: Context): void;
  onEnd(span: ReadableSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface RumTracerProvider extends TracerProvider {
  getTracer(name: string, version?: string): Tracer;
  /**
   * The first span started inside `fn` takes these ids: ids decided earlier, on the critical
   * path (sent in a `traceparent`, or the parent of one).
   */
  withIds<T>(ids: { traceId: string; spanId: string } | undefined, fn: () => T): T;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracerProviderOptions {
  /** Resource attributes, over the defaults below (undefined values are left out). */
  resource: Attributes;
  /** Decides per span: false gives a non-recording span (sampled flag off), never processed. */
  sample?: () => boolean;
  processor: SpanProcessor;
}

/**
 * What OpenTelemetry JS's `defaultResource()` contributed. The language is read by tests and
 * dashboards (`webjs`); name and version now name this SDK, which makes the spans (semconv
 * `telemetry.sdk.*`), no longer OpenTelemetry JS's.
 */
const DEFAULT_RESOURCE: Attributes = {
  'service.name': 'unknown_service',
  'telemetry.sdk.language': 'webjs',
  'telemetry.sdk.name': 'otel-rum',
  'telemetry.sdk.version': VERSION,
};

/**
 * A tracer provider for the RUM spans: parents come from the given context (or none with
 * `root`), sampled spans record and go through the processor, unsampled ones only carry their
 * context.
 */
export function createTracerProvider(options: TracerProviderOptions): RumTracerProvider {
  const { processor, sample = () => true } = options;
  const resource = { attributes: { ...DEFAULT_RESOURCE } };
  for (const key in options.resource) {
    if (options.resource[key] !== undefined) resource.attributes[key] = options.resource[key];
  }
  const onEnd = (span: ReadableSpan): void => processor.onEnd(span);
  let preset: { traceId: string; spanId: string } | undefined;
  return {
    withIds(ids, fn) {
      preset = ids;
      try {
        return fn();
      } finally {
        preset = undefined;
      }
    },
    getTracer(name, version) {
      const scope = { name, version };
      const startSpan = (
        spanName: string,
        spanOptions: SpanOptions = {},
        parentContext: Context = api.active(),
      ): Span => {
        const parent = spanOptions.root ? undefined : trace.getSpanContext(parentContext);
        const valid = parent && trace.isSpanContextValid(parent) ? parent : undefined;
        const ids = preset;
        preset = undefined;
        const spanContext = {
          traceId: valid?.traceId ?? ids?.traceId ?? randomHex(16),
          spanId: ids?.spanId ?? randomHex(8),
          traceFlags: TraceFlags.NONE,
          traceState: valid?.traceState,
        };
        if (!sample()) return trace.wrapSpanContext(spanContext);
        spanContext.traceFlags = TraceFlags.SAMPLED;
        const span = new RecordingSpan(
          spanName,
          spanOptions.kind ?? SpanKind.INTERNAL,
          spanContext,
          valid,
          resource,
          scope,
          onEnd,
          spanOptions.startTime,
        );
        spanOptions.links?.forEach((link) => span.addLink(link));
        if (spanOptions.attributes) span.setAttributes(spanOptions.attributes);
        processor.onStart(span, parentContext);
        return span;
      };
      // startActiveSpan(name, [options, [context,]] fn), as the API's overloads
      const startActiveSpan = (spanName: string, ...args: unknown[]): unknown => {
        const fn = args.pop();
        if (typeof fn !== 'function') return undefined;
        const [spanOptions, parentContext = api.active()] = args as [SpanOptions?, Context?];
        const span = startSpan(spanName, spanOptions, parentContext);
        return api.with(
          trace.setSpan(parentContext, span),
          fn as (s: Span) => unknown,
          undefined,
          span,
        );
      };
      return { startSpan, startActiveSpan } as Tracer;
    },
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
  };
}
