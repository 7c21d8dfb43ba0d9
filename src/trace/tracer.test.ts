import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadableSpan, SdkSpan } from './span';
import { createTracerProvider, type SpanProcessor } from './tracer';

function setup(sampled = true) {
  const started: SdkSpan[] = [];
  const ended: ReadableSpan[] = [];
  const processor: SpanProcessor = {
    onStart: (span) => started.push(span),
    onEnd: (span) => ended.push(span),
    forceFlush: vi.fn(async () => {}),
    shutdown: vi.fn(async () => {}),
  };
  const provider = createTracerProvider({
    resource: { 'service.name': 'shop', 'service.version': undefined },
    sample: () => sampled,
    processor,
  });
  return { provider, tracer: provider.getTracer('otel-rum', '1.0.0'), started, ended, processor };
}

afterEach(() => vi.restoreAllMocks());

describe('tracer', () => {
  it('starts a trace, or continues the parent of the given context', () => {
    const { tracer, started } = setup();
    const root = tracer.startSpan('root', { kind: SpanKind.CLIENT, attributes: { a: 1 } });
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    const other = tracer.startSpan('other', { root: true }, trace.setSpan(ROOT_CONTEXT, root));
    const { traceId, spanId, traceFlags } = root.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(traceFlags).toBe(TraceFlags.SAMPLED);
    expect(child.spanContext().traceId).toBe(traceId);
    expect(child.spanContext().spanId).not.toBe(spanId);
    expect((child as unknown as ReadableSpan).parentSpanContext).toBe(root.spanContext());
    expect(other.spanContext().traceId).not.toBe(traceId);
    expect((other as unknown as ReadableSpan).parentSpanContext).toBeUndefined();
    // the processor sees each span at its start, with the options' kind and attributes
    expect(started).toEqual([root, child, other]);
    expect(started[0]!.kind).toBe(SpanKind.CLIENT);
    expect(started[0]!.attributes).toEqual({ a: 1 });
    expect(started[1]!.kind).toBe(SpanKind.INTERNAL);
  });

  it('uses the active context by default', () => {
    const { tracer } = setup();
    const parent = tracer.startSpan('parent');
    const spy = vi.spyOn(context, 'active').mockReturnValue(trace.setSpan(ROOT_CONTEXT, parent));
    const child = tracer.startSpan('child');
    expect(spy).toHaveBeenCalled();
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it('ignores an invalid parent', () => {
    const { tracer } = setup();
    const invalid = trace.wrapSpanContext({
      traceId: '0'.repeat(32),
      spanId: '0'.repeat(16),
      traceFlags: 1,
    });
    const span = tracer.startSpan('x', {}, trace.setSpan(ROOT_CONTEXT, invalid));
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    expect((span as unknown as ReadableSpan).parentSpanContext).toBeUndefined();
  });

  it('hands ended spans to the processor', () => {
    const { tracer, ended } = setup();
    const span = tracer.startSpan('x');
    expect(ended).toEqual([]);
    span.end();
    expect(ended).toEqual([span]);
  });

  it('makes unsampled spans non-recording: sampled flag off, nothing processed', () => {
    const { tracer, started, ended } = setup(false);
    const span = tracer.startSpan('x', { attributes: { a: 1 } });
    span.setAttribute('b', 2);
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(started).toEqual([]);
    expect(ended).toEqual([]);
    // its children stay in its trace
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, span));
    expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
  });

  it('never gives an all-zero id', () => {
    const random = vi.spyOn(crypto, 'getRandomValues');
    // the first two draws are zeros (getRandomValues leaving the array as it is)
    random.mockImplementationOnce((a) => a).mockImplementationOnce((a) => a);
    const { tracer } = setup();
    const { traceId, spanId } = tracer.startSpan('x').spanContext();
    expect(random.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(traceId).not.toMatch(/^0+$/);
    expect(spanId).not.toMatch(/^0+$/);
  });

  it('startActiveSpan: the span is active inside fn, with all overloads', () => {
    const { tracer } = setup();
    const seen: (Span | undefined)[] = [];
    const fn = (span: Span) => {
      seen.push(trace.getActiveSpan());
      return span;
    };
    // the global context manager is a no-op in these tests: spy `with` to see the context it gets
    const withSpy = vi.spyOn(context, 'with').mockImplementation((ctx, f, thisArg, ...args) => {
      const active = vi.spyOn(context, 'active').mockReturnValue(ctx);
      try {
        return f.call(thisArg, ...args);
      } finally {
        active.mockRestore();
      }
    });
    const a = tracer.startActiveSpan('a', fn);
    const b = tracer.startActiveSpan('b', { kind: SpanKind.CLIENT }, fn);
    const parent = tracer.startSpan('parent');
    const c = tracer.startActiveSpan('c', {}, trace.setSpan(ROOT_CONTEXT, parent), fn);
    expect(seen).toEqual([a, b, c]);
    expect((b as unknown as ReadableSpan).kind).toBe(SpanKind.CLIENT);
    expect(c.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(withSpy).toHaveBeenCalledTimes(3);
  });

  it('puts the defaults under the resource attributes, leaving out undefined ones', () => {
    const { tracer } = setup();
    const span = tracer.startSpan('x') as unknown as ReadableSpan;
    expect(span.resource.attributes).toEqual({
      'service.name': 'shop',
      'telemetry.sdk.language': 'webjs',
      'telemetry.sdk.name': 'otel-rum',
      'telemetry.sdk.version': expect.any(String),
    });
    expect(span.instrumentationScope).toEqual({ name: 'otel-rum', version: '1.0.0' });
    const bare = createTracerProvider({ resource: {}, processor: setup().processor });
    const unnamed = bare.getTracer('t').startSpan('x') as unknown as ReadableSpan;
    expect(unnamed.resource.attributes['service.name']).toBe('unknown_service');
  });

  it('flushes and shuts down through the processor', async () => {
    const { provider, processor } = setup();
    await provider.forceFlush();
    await provider.shutdown();
    expect(processor.forceFlush).toHaveBeenCalledTimes(1);
    expect(processor.shutdown).toHaveBeenCalledTimes(1);
  });
});
