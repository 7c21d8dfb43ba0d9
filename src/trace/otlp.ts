import type { Attributes, SpanContext } from '@opentelemetry/api';
import { INTEGER_KEYS } from '../transport/value-types';
import type { ReadableSpan } from './span';
import { nanos } from './time';

/**
 * OTLP/JSON (ExportTraceServiceRequest) in the shape `@opentelemetry/otlp-transformer`'s
 * JsonTraceSerializer writes: same fields, order and omissions. One difference, on purpose: a
 * number is `doubleValue` unless its key is in INTEGER_KEYS (see value-types.ts); inside arrays a
 * whole number stays `intValue`, as it always was.
 */
const anyValue = (value: unknown, int: boolean): object =>
  typeof value === 'string'
    ? { stringValue: value }
    : typeof value === 'number'
      ? int && Number.isInteger(value)
        ? { intValue: value }
        : { doubleValue: value }
      : typeof value === 'boolean'
        ? { boolValue: value }
        : Array.isArray(value)
          ? { arrayValue: { values: value.map((v) => anyValue(v, true)) } }
          : {};

const keyValues = (attributes: Attributes = {}): object[] =>
  Object.keys(attributes).map((key) => ({
    key,
    value: anyValue(attributes[key], INTEGER_KEYS.has(key)),
  }));

/** W3C trace flags plus OTLP's "has is_remote" bit, and "is remote" when it is. */
const flags = (context: SpanContext | undefined, of: SpanContext): number =>
  (of.traceFlags & 0xff) | 0x100 | (context?.isRemote ? 0x200 : 0);

/** One span as its OTLP/JSON text. */
export function spanJson(span: ReadableSpan): string {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return JSON.stringify({
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: parent?.spanId || undefined,
    traceState: context.traceState?.serialize(),
    name: span.name,
    // the API's kinds start at INTERNAL = 0, OTLP's at UNSPECIFIED = 0
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      attributes: keyValues(event.attributes),
      name: event.name,
      timeUnixNano: nanos(event.time),
      droppedAttributesCount: event.droppedAttributesCount || 0,
    })),
    droppedEventsCount: span.droppedEventsCount,
    status: { code: span.status.code, message: span.status.message },
    links: span.links.map((link) => ({
      attributes: keyValues(link.attributes),
      spanId: link.context.spanId,
      traceId: link.context.traceId,
      traceState: link.context.traceState?.serialize(),
      droppedAttributesCount: link.droppedAttributesCount || 0,
      flags: flags(link.context, link.context),
    })),
    droppedLinksCount: span.droppedLinksCount,
    flags: flags(parent, context),
  });
}

/**
 * The request body for `spans`, grouped by resource and scope as otlp-transformer does.
 * `texts[i]` is `spans[i]` already encoded (the exporter encodes each span once, however often it
 * has to split a batch).
 */
export function encodeRequest(
  spans: ReadableSpan[],
  texts: string[] = spans.map(spanJson),
): string {
  const resources = new Map<ReadableSpan['resource'], Map<string, string[]>>();
  spans.forEach((span, i) => {
    let scopes = resources.get(span.resource);
    if (!scopes) resources.set(span.resource, (scopes = new Map()));
    const { name, version } = span.instrumentationScope;
    const scope = JSON.stringify({ name, version });
    const list = scopes.get(scope);
    if (list) list.push(texts[i]!);
    else scopes.set(scope, [texts[i]!]);
  });
  const resourceSpans = [...resources].map(([resource, scopes]) => {
    const scopeSpans = [...scopes].map(
      ([scope, list]) => `{"scope":${scope},"spans":[${list.join(',')}]}`,
    );
    const head = JSON.stringify({
      attributes: keyValues(resource.attributes),
      droppedAttributesCount: 0,
    });
    return `{"resource":${head},"scopeSpans":[${scopeSpans.join(',')}]}`;
  });
  return `{"resourceSpans":[${resourceSpans.join(',')}]}`;
}
