import type { HrTime, TimeInput } from '@opentelemetry/api';
import { perfNow, timeOrigin } from '../browser/dom';

/** [seconds, nanoseconds] with the nanoseconds carried into 0..1e9. */
const hr = (seconds: number, nanos: number): HrTime => {
  const carry = Math.floor(nanos / 1e9);
  return [seconds + carry, nanos - carry * 1e9];
};

/** Epoch (or relative) milliseconds as OpenTelemetry's `millisToHrTime`: nanosecond-rounded. */
const fromMillis = (ms: number): HrTime => hr(Math.trunc(ms / 1000), Math.round((ms % 1000) * 1e6));

/**
 * A `performance.now()`-style time on the epoch. Origin and offset are converted apart and then
 * added, as OpenTelemetry's `hrTime()` does: one float sum would lose the sub-microsecond digits.
 */
const fromOrigin = (ms: number): HrTime => {
  const a = fromMillis(timeOrigin());
  const b = fromMillis(ms);
  return hr(a[0] + b[0], a[1] + b[1]);
};

/** Now, with sub-millisecond precision. */
export const hrNow = (): HrTime => fromOrigin(perfNow());

export const isHrTime = (value: unknown): value is HrTime =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'number' &&
  typeof value[1] === 'number';

export const isTimeInput = (value: unknown): value is TimeInput =>
  typeof value === 'number' || value instanceof Date || isHrTime(value);

/**
 * OpenTelemetry's `timeInputToHrTime`: a number below half the time origin is relative to it
 * (`performance.now()`, event and entry times; `0` is the navigation start), a larger one is epoch
 * milliseconds; a Date; an [s, ns] tuple as given.
 */
export function toHrTime(time: TimeInput): HrTime {
  if (isHrTime(time)) return hr(time[0], time[1]);
  const ms = time instanceof Date ? time.getTime() : time;
  return ms < timeOrigin() / 2 ? fromOrigin(ms) : fromMillis(ms);
}

export const isBefore = (a: HrTime, b: HrTime): boolean =>
  a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * Epoch nanoseconds as a decimal string (OTLP/JSON's fixed64). Built from the two parts: epoch
 * nanoseconds exceed 2^53, where a number would round. The nine digits of `ns` come from
 * `1e10 + ns` (a heap number, not a small integer): converting small integers to strings is what
 * makes V8 grow its small-integer string cache to 64 KB, on a page that may convert no other.
 */
export const nanos = ([seconds, ns]: HrTime): string =>
  seconds ? `${seconds}${String(1e10 + ns).slice(2)}` : String(ns);
