import { describe, expect, it } from 'vitest';
import type { ReadableSpan } from '../trace/span';
import { createTracerProvider } from '../trace/tracer';
import { MAX_BATCH_BYTES, serialize, utf8Bytes } from './exporter';

const tracer = createTracerProvider({
  resource: {},
  processor: { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} },
}).getTracer('test');
const span = (attributes: Record<string, number | string>, name = 'web_vital'): ReadableSpan => {
  const s = tracer.startSpan(name, { attributes });
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

describe('serialize', () => {
  it('splits a batch into bodies under the keepalive budget, spans in order', () => {
    const text = 'é漢😀'.repeat(1_000); // 9 kB of UTF-8 each
    const spans = Array.from({ length: 20 }, (_, i) => span({ text }, `s${i}`));
    const batches = serialize(spans);
    expect(batches.length).toBeGreaterThan(1);
    const names: string[] = [];
    for (const batch of batches) {
      expect(batch.bytes).toBe(new TextEncoder().encode(batch.body).length);
      expect(batch.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      const request = JSON.parse(batch.body);
      const sent = request.resourceSpans[0].scopeSpans[0].spans;
      expect(sent).toHaveLength(batch.spans);
      names.push(...sent.map((s: { name: string }) => s.name));
    }
    expect(names).toEqual(spans.map((s) => s.name));
    expect(serialize([])).toEqual([]);
  });

  it('sends a span bigger than the budget alone', () => {
    const [batch, ...rest] = serialize([span({ text: 'x'.repeat(MAX_BATCH_BYTES) })]);
    expect(rest).toEqual([]);
    expect(batch!.spans).toBe(1);
  });

  it('counts UTF-8 bytes', () => {
    for (const text of ['', 'abc', 'é', '漢', '😀', 'a\u0000"é😀漢'])
      expect(utf8Bytes(JSON.stringify(text))).toBe(
        new TextEncoder().encode(JSON.stringify(text)).length,
      );
  });
});
