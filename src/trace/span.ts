import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import { hrNow, isBefore, isTimeInput, toHrTime } from './time';

/** OpenTelemetry SDK's default limits: attributes per span, event or link; events and links. */
const LIMIT = 128;

export interface TimedEvent {
  name: string;
  time: HrTime;
  attributes?: Attributes;
  droppedAttributesCount?: number;
}

/**
 * What the processor and the encoder read of an ended span: the fields of sdk-trace's
 * ReadableSpan that we use, with the same names (its spans fit too).
 */
export interface ReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly ended: boolean;
  readonly status: SpanStatus;
  /** Plain and mutable: the processor completes and scrubs attributes at the end. */
  readonly attributes: Attributes;
  readonly events: TimedEvent[];
  readonly links: Link[];
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  /** Shared by every span of a provider (the encoder groups by it). */
  readonly resource: { attributes: Attributes };
  readonly instrumentationScope: { name: string; version?: string };
}

/** A span as the processor sees it at the start: writable and readable. */
export type SdkSpan = Span & ReadableSpan;

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
const isPrimitive = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** As the SDK: a string, number or boolean, or an array of one of these (nulls allowed). */
function isValid(value: unknown): value is AttributeValue {
  if (!Array.isArray(value)) return isPrimitive(value);
  let type: string | undefined;
  for (const v of value) {
    if (v == null) continue;
    if (!(type ??= isPrimitive(v) ? typeof v : undefined) || typeof v !== type) return false;
  }
  return true;
}

/** The valid attributes (arrays copied), the first `LIMIT` of them, and how many were dropped. */
function sanitize(input: Attributes | undefined): [Attributes, number] {
  const out: Attributes = {};
  let n = 0;
  let dropped = 0;
  for (const key in input) {
    const value = input[key];
    if (!hasOwn(input, key) || !key || !isValid(value)) continue;
    if (n++ < LIMIT) out[key] = Array.isArray(value) ? value.slice() : value;
    else dropped++;
  }
  return [out, dropped];
}

/**
 * A span that records, with the readable fields of the SDK's span (`attributes` is a plain
 * object the processor may still write to after the end, as with sdk-trace).
 */
export class RecordingSpan implements SdkSpan {
  attributes: Attributes = {};
  events: TimedEvent[] = [];
  links: Link[] = [];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  startTime: HrTime;
  endTime: HrTime = [0, 0];
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private count = 0;

  constructor(
    public name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly resource: { attributes: Attributes },
    readonly instrumentationScope: { name: string; version?: string },
    private readonly onEnd: (span: RecordingSpan) => void,
    startTime?: TimeInput,
  ) {
    this.startTime = startTime == null ? hrNow() : toHrTime(startTime);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.ended || !key || !isValid(value)) return this;
    if (!hasOwn(this.attributes, key)) {
      if (this.count >= LIMIT) {
        this.droppedAttributesCount++;
        return this;
      }
      this.count++;
    }
    this.attributes[key] = Array.isArray(value) ? value.slice() : value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes)
      if (hasOwn(attributes, key)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributesOrTime = undefined;
    }
    if (this.events.length >= LIMIT) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    const [attributes, droppedAttributesCount] = sanitize(attributesOrTime);
    this.events.push({
      name,
      attributes,
      time: time == null ? hrNow() : toHrTime(time),
      droppedAttributesCount,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    if (this.links.length >= LIMIT) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    const [attributes, droppedAttributesCount] = sanitize(link.attributes);
    this.links.push({ context: link.context, attributes, droppedAttributesCount });
    return this;
  }

  addLinks(links: Link[]): this {
    links.forEach((link) => this.addLink(link));
    return this;
  }

  /** As the SDK: UNSET is ignored, OK is final, a message is kept for ERROR only. */
  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  /** An end before the start becomes the start (a zero duration), as the SDK does. */
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    const end = endTime == null ? hrNow() : toHrTime(endTime);
    this.endTime = isBefore(end, this.startTime) ? [this.startTime[0], this.startTime[1]] : end;
    this.ended = true;
    this.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  /** An `exception` event with semconv type, message and stack trace, as the SDK records it. */
  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.addEvent('exception', attributes, time);
    }
  }
}
