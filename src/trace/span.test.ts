import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Exception,
  type HrTime,
} from '@opentelemetry/api';
import { timeInputToHrTime } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingSpan, type SdkSpan } from './span';
import { nanos, toHrTime } from './time';

const context = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 };
const resource = { attributes: {} };
const scope = { name: 'test' };
const ours = (onEnd = vi.fn(), start?: number): RecordingSpan =>
  new RecordingSpan('s', SpanKind.INTERNAL, context, undefined, resource, scope, onEnd, start);
const sdkTracer = new BasicTracerProvider().getTracer('test');
const theirs = (): SdkSpan => sdkTracer.startSpan('s') as unknown as SdkSpan;

/** The same calls on our span and on sdk-trace's, then what each recorded. */
function both(calls: (span: SdkSpan) => void) {
  const recorded = (span: SdkSpan) => {
    calls(span);
    span.end();
    return {
      attributes: span.attributes,
      droppedAttributesCount: span.droppedAttributesCount,
      events: span.events.map(({ name, attributes, droppedAttributesCount }) => ({
        name,
        attributes: attributes ?? {},
        droppedAttributesCount: droppedAttributesCount ?? 0,
      })),
      droppedEventsCount: span.droppedEventsCount,
      links: span.links.map((l) => ({
        context: l.context,
        attributes: l.attributes ?? {},
        droppedAttributesCount: l.droppedAttributesCount ?? 0,
      })),
      droppedLinksCount: span.droppedLinksCount,
      status: span.status,
      name: span.name,
    };
  };
  return [recorded(ours()), recorded(theirs())] as const;
}

const big = (v: HrTime): bigint => BigInt(v[0]) * 1_000_000_000n + BigInt(v[1]);

afterEach(() => vi.restoreAllMocks());

describe('RecordingSpan', () => {
  it('keeps and drops attributes as sdk-trace does', () => {
    const [mine, sdk] = both((span) => {
      span.setAttribute('s', 'x');
      span.setAttribute('n', 1.5);
      span.setAttribute('b', false);
      span.setAttribute('list', ['a', null as unknown as string, 'b']);
      span.setAttribute('undef', undefined as unknown as string);
      span.setAttribute('null', null as unknown as string);
      span.setAttribute('obj', { a: 1 } as unknown as string);
      span.setAttribute('mixed', [1, 'a'] as unknown as string[]);
      span.setAttribute('', 'empty key');
      span.setAttributes({ s: 'y', more: 2 });
      for (let i = 0; i < 130; i++) span.setAttribute(`k${i}`, i);
      span.setAttribute('s', 'still replaceable at the limit');
      span.addEvent('e1', { a: 1, bad: {} as unknown as string }, 5);
      span.addEvent('e2', 7);
      span.addLink({ context, attributes: { l: 'x' } });
      span.addLinks([{ context }]);
      span.updateName('renamed');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    });
    expect(mine).toEqual(sdk);
    expect(mine.droppedAttributesCount).toBe(7);
    expect(Object.keys(mine.attributes)).toHaveLength(128);
    expect(mine.attributes.s).toBe('still replaceable at the limit');
  });

  it('ignores changes after the end and a second end', () => {
    const onEnd = vi.fn();
    const span = ours(onEnd);
    span.end();
    const endTime = span.endTime;
    span.setAttribute('late', 1);
    span.addEvent('late');
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.updateName('late');
    span.end();
    expect(span.attributes).toEqual({});
    expect(span.events).toEqual([]);
    expect(span.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(span.name).toBe('s');
    expect(span.endTime).toBe(endTime);
    expect(span.isRecording()).toBe(false);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('keeps the status as sdk-trace does (OK is final, a message only with ERROR)', () => {
    const [mine, sdk] = both((span) => {
      span.setStatus({ code: SpanStatusCode.OK, message: 'dropped' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'ignored after OK' });
    });
    expect(mine.status).toEqual({ code: SpanStatusCode.OK });
    expect(mine).toEqual(sdk);
    const [unset] = both((span) => span.setStatus({ code: SpanStatusCode.UNSET }));
    expect(unset.status).toEqual({ code: SpanStatusCode.UNSET });
  });

  it('keeps the newest 128 events and links, counting the dropped', () => {
    const [mine, sdk] = both((span) => {
      for (let i = 0; i < 130; i++) span.addEvent(`e${i}`, 1);
      for (let i = 0; i < 129; i++) span.addLink({ context, attributes: { i } });
    });
    expect(mine).toEqual(sdk);
    expect(mine.events).toHaveLength(128);
    expect(mine.events[0]!.name).toBe('e2');
    expect([mine.droppedEventsCount, mine.droppedLinksCount]).toEqual([2, 1]);
  });

  it('records exceptions as sdk-trace does', () => {
    const error = Object.assign(new Error('bad'), { code: 42 });
    const [mine, sdk] = both((span) => {
      span.recordException(error, 1);
      span.recordException('just a message', 1);
      span.recordException({ name: 'TypeError' }, 1);
      span.recordException({} as Exception, 1);
    });
    expect(mine).toEqual(sdk);
    expect(mine.events.map((e) => e.attributes['exception.type'])).toEqual([
      '42',
      undefined,
      'TypeError',
    ]);
  });

  it('converts times as OpenTelemetry timeInputToHrTime, to the nanosecond', () => {
    const origin = performance.timeOrigin;
    for (const t of [0, 1.25, 1234.567891, origin - 1, origin + 5.5, 1_733_231_234_567.891]) {
      expect(big(toHrTime(t)), String(t)).toBe(big(timeInputToHrTime(t)));
    }
    const date = new Date(1_733_231_234_567);
    expect(toHrTime(date)).toEqual(timeInputToHrTime(date));
    expect(toHrTime([1_733_231_234, 5])).toEqual([1_733_231_234, 5]);
    // 0 is the time origin (the navigation start)
    expect(toHrTime(0)).toEqual(timeInputToHrTime(origin));
  });

  it('writes epoch nanoseconds exactly (beyond 2^53)', () => {
    expect(nanos([1_733_231_234, 5])).toBe('1733231234000000005');
    expect(nanos([1_733_231_234, 999_999_999])).toBe('1733231234999999999');
    expect(nanos([0, 42])).toBe('42');
    // nanoseconds that reach a whole second carry into the seconds
    expect(toHrTime([1_733_231_234, 1_500_000_000])).toEqual([1_733_231_235, 500_000_000]);
    const almost = 0.999_999_9; // 999 999.9 ns after the origin: rounds up to 1 ms
    expect(nanos(toHrTime(almost))).toBe(big(timeInputToHrTime(almost)).toString());
    expect(toHrTime(almost)[1]).toBeLessThan(1e9);
  });

  it('starts now with sub-millisecond precision, ends now, and never ends before it starts', () => {
    vi.spyOn(performance, 'now').mockReturnValue(1000.123456);
    const span = ours();
    expect(big(span.startTime)).toBe(big(timeInputToHrTime(1000.123456)));
    vi.spyOn(performance, 'now').mockReturnValue(1500.5);
    span.end();
    expect(big(span.endTime) - big(span.startTime)).toBe(500_376_544n);

    const clamped = ours(vi.fn(), 2000);
    clamped.end(1000);
    expect(clamped.endTime).toEqual(clamped.startTime);
    expect(clamped.endTime).not.toBe(clamped.startTime);
  });

  it('reads a time as the event time when given in place of attributes', () => {
    const span = ours(vi.fn(), 10);
    span.addEvent('at', 20);
    span.addEvent('both', { a: 1 }, 30);
    expect(span.events.map((e) => big(e.time) - big(span.startTime))).toEqual([
      10_000_000n,
      20_000_000n,
    ]);
    expect(span.events[0]!.attributes).toEqual({});
  });

  it('is what sdk-trace spans are, for whatever reads them', () => {
    const span: ReadableSpan = sdkTracer.startSpan('x') as unknown as ReadableSpan;
    // sdk-trace spans fit our ReadableSpan (the processor and encoder accept both)
    const asOurs: SdkSpan = span as unknown as SdkSpan;
    expect(asOurs.resource.attributes).toBeDefined();
    expect(asOurs.instrumentationScope.name).toBe('test');
  });
});

describe('attribute values', () => {
  it('copies arrays, so later changes by the caller do not leak in', () => {
    const list = ['a'];
    const attrs: Attributes = { list };
    const span = ours();
    span.setAttributes(attrs);
    list.push('b');
    expect(span.attributes.list).toEqual(['a']);
  });
});
