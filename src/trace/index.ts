export { createBatchProcessor, type BatchProcessor, type SpanExporter } from './batch';
export { createStackContextManager } from './context-manager';
export { encodeRequest, spanJson } from './otlp';
export { RecordingSpan, type ReadableSpan, type SdkSpan, type TimedEvent } from './span';
export {
  createTracerProvider,
  type RumTracerProvider,
  type SpanProcessor,
  type TracerProviderOptions,
} from './tracer';
