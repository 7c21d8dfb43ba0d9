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

/**
 * `{"key":"…","value":{"intValue":N}}` as the encoder writes it. Inside a JSON string every `"` is
 * escaped, so the pattern only ever meets real attributes. One pass over the text: a closing page
 * has its last task to get its batch out, no time to parse and print it again.
 */
const INT_ATTRIBUTE = /\{"key":("(?:[^"\\]|\\.)*"),"value":\{"intValue":"?(-?\d+)"?\}\}/g;

/** An OTLP/JSON request body with every attribute of a double key typed `doubleValue`. */
export function fixValueTypes(body: string): string {
  return body.replace(INT_ATTRIBUTE, (attribute, key: string, value: string) =>
    INTEGER_KEYS.has(JSON.parse(key) as string)
      ? attribute
      : `{"key":${key},"value":{"doubleValue":${value}}}`,
  );
}
