/**
 * One OTLP value type per attribute key. The OTLP/JSON encoder picks `intValue` for a number that
 * happens to be whole and `doubleValue` otherwise, so one key would flip types from value to
 * value (CLS 0 and 0.05, a duration of 120 and 120.5): backends that type columns by key then
 * reject or split them. Numbers are doubles, except the keys below, which only ever hold
 * integers (counts, sizes, codes, pixels).
 */
export const INTEGER_KEYS: ReadonlySet<string> = new Set([
  'http.response.status_code',
  'http.request.body.size',
  'http.response_content_length',
  'http.response_content_length_uncompressed',
  'server.port',
  'rum.error.count',
  'rum.interaction.click_count',
  'rum.loaf.script_count',
  'rum.outbox.dropped_batches',
  'rum.outbox.dropped_spans',
  'rum.screen.height',
  'rum.screen.width',
  'rum.viewport.height',
  'rum.viewport.width',
  'rum.device.cores',
  'rum.timing.transfer_size',
  'rum.web_vital.attribution.long_animation_frame_count',
]);

interface Value {
  intValue?: number | string;
  doubleValue?: number;
}

/** JSON.parse reviver: `{ key, value: { intValue } }` of a double key becomes `doubleValue`. */
function retype(this: unknown, _name: string, node: unknown): unknown {
  const kv = node as { key?: unknown; value?: Value } | null;
  if (
    kv &&
    typeof kv.key === 'string' &&
    kv.value &&
    kv.value.intValue !== undefined &&
    !INTEGER_KEYS.has(kv.key)
  ) {
    kv.value = { doubleValue: Number(kv.value.intValue) };
  }
  return node;
}

/** An OTLP/JSON request body with every attribute of a double key typed `doubleValue`. */
export function fixValueTypes(body: string): string {
  return JSON.stringify(JSON.parse(body, retype));
}
