import type { Attributes } from '@opentelemetry/api';
import { safely } from '../guard';
import { createBatchProcessor, type SpanExporter } from '../trace/batch';
import type { ReadableSpan, SdkSpan } from '../trace/span';
import type { SpanProcessor } from '../trace/tracer';
import type { RumSpanData } from '../types';

export interface RumSpanProcessorOptions {
  exporter: SpanExporter;
  flushIntervalMs: number;
  /** Attributes that depend on the moment (session, user, network), added when a span starts. */
  spanAttributes: () => Attributes;
  beforeSend?: (span: RumSpanData) => boolean | void;
  /** Applied to `url.full` on every span (HTTP spans carry the raw URL). */
  scrubUrl?: (url: string) => string;
  /** semconv `url.template` from `url.full`: the bounded endpoint of an HTTP span. */
  urlTemplate?: (url: string) => string;
  /** Observes every recorded span (request counting). */
  onStart?: (span: SdkSpan) => void;
  onEnd?: (span: ReadableSpan) => void;
  /** Called after a span is batched: the page may be about to die, so send it at once. */
  afterEnd?: () => void;
}

/**
 * Adds per-span attributes at start (without overriding what the instrumentation set), runs the
 * user's `beforeSend` at end (which may drop the span), then batches for export.
 */
export function createRumSpanProcessor(options: RumSpanProcessorOptions): SpanProcessor {
  // no hide listener of its own: we flush on hide, after web-vitals has reported
  const batch = createBatchProcessor(options.exporter, options.flushIntervalMs);
  return {
    onStart(span) {
      safely(() => {
        const attrs = options.spanAttributes();
        for (const key in attrs) {
          if (span.attributes[key] === undefined) span.setAttribute(key, attrs[key]!);
        }
        options.onStart?.(span);
      });
    },
    onEnd(span) {
      safely(() => options.onEnd?.(span));
      const attributes = span.attributes as Record<string, unknown>;
      const url = attributes['url.full'];
      if (typeof url === 'string') {
        if (options.urlTemplate && attributes['url.template'] === undefined) {
          attributes['url.template'] = safely(() => options.urlTemplate!(url)) ?? '';
        }
        if (options.scrubUrl) attributes['url.full'] = safely(() => options.scrubUrl!(url)) ?? '';
      }
      if (options.beforeSend) {
        const { traceId, spanId } = span.spanContext();
        const data: RumSpanData = { name: span.name, traceId, spanId, attributes };
        const keep = safely(() => options.beforeSend!(data));
        if (keep === false) return;
      }
      batch.onEnd(span);
      safely(() => options.afterEnd?.());
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
}
