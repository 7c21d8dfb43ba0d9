/**
 * One OTLP value type per attribute key. A generic OTLP/JSON encoder (otlp-transformer's) picks
 * `intValue` for a number that happens to be whole and `doubleValue` otherwise, so one key would flip types from value to
 * value (CLS 0 and 0.05, a duration of 120 and 120.5): backends that type columns by key then
 * reject or split them. Numbers are doubles, except the keys below, which only ever hold
 * integers (counts, sizes, codes, pixels). The encoder (src/trace/otlp.ts) applies this.
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
