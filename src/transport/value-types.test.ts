import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { serialize } from './exporter';

const tracer = new BasicTracerProvider().getTracer('test');
const span = (attributes: Record<string, number | string>): ReadableSpan => {
  const s = tracer.startSpan('web_vital', { attributes });
  s.addEvent('exception', { 'rum.error.count': 3, 'rum.custom.ratio': 2 });
  s.end();
  return s as unknown as ReadableSpan;
};

type Typed = Record<string, 'intValue' | 'doubleValue' | 'stringValue'>;
/** Each attribute key (span and event attributes) and the OTLP value type it was sent with. */
function typesOf(body: string): Typed[] {
  const request = JSON.parse(body);
  const out: Typed[] = [];
  for (const rs of request.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans)
        for (const attrs of [s.attributes, ...s.events.map((e: any) => e.attributes)])
          out.push(
            Object.fromEntries(
              attrs.map((kv: any) => [kv.key, Object.keys(kv.value)[0] as keyof Typed[number]]),
            ),
          );
  return out;
}

describe('OTLP value types', () => {
  it('keeps one value type per key, whether the number is whole or not', () => {
    const [batch] = serialize([
      span({
        'browser.web_vital.value': 0,
        'http.response.status_code': 200,
        note: 'x',
        'odd "key"': 7,
        text: '{"key":"n","value":{"intValue":1}}',
      }),
      span({ 'browser.web_vital.value': 0.05, 'http.response.status_code': 404, note: 'y' }),
    ]);
    const [first, firstEvent, second, secondEvent] = typesOf(batch!.body);
    // a whole CLS of 0 and a fractional 0.05: both doubles, as any custom number
    expect(first!['browser.web_vital.value']).toBe('doubleValue');
    expect(second!['browser.web_vital.value']).toBe('doubleValue');
    expect(firstEvent!['rum.custom.ratio']).toBe('doubleValue');
    // keys that only hold integers stay integers
    expect(first!['http.response.status_code']).toBe('intValue');
    expect(second!['http.response.status_code']).toBe('intValue');
    expect(secondEvent!['rum.error.count']).toBe('intValue');
    expect(first!.note).toBe('stringValue');
    expect(first!['odd "key"']).toBe('doubleValue');
    // text that looks like an attribute inside a string value is left alone
    const text = JSON.parse(batch!.body).resourceSpans[0].scopeSpans[0].spans[0].attributes.find(
      (kv: any) => kv.key === 'text',
    ).value.stringValue;
    expect(text).toBe('{"key":"n","value":{"intValue":1}}');
    // values are unchanged, and the byte count is the body's
    const values = JSON.parse(batch!.body).resourceSpans[0].scopeSpans[0].spans.map(
      (s: any) => s.attributes.find((kv: any) => kv.key === 'browser.web_vital.value').value,
    );
    expect(values).toEqual([{ doubleValue: 0 }, { doubleValue: 0.05 }]);
    expect(batch!.bytes).toBe(new TextEncoder().encode(batch!.body).length);
  });
});
