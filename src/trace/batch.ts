import { safely } from '../guard';
import type { ReadableSpan } from './span';

export interface SpanExporter {
  /** Takes the batch now (ours serializes and queues synchronously). */
  export(spans: ReadableSpan[]): void;
  shutdown(): Promise<void>;
}

/** Spans per export: small batches keep each export's main-thread work short. */
export const MAX_EXPORT_BATCH = 100;
/** Spans waiting for export; newer ones are dropped (and counted) beyond this. */
export const MAX_QUEUE = 2_000;

export interface BatchProcessor {
  onEnd(span: ReadableSpan): void;
  /** Exports everything queued before returning. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Spans dropped because the queue was full. */
  dropped: number;
}

/**
 * Batches ended spans for the exporter: after `delayMs`, or at the end of the current task once a
 * full batch is waiting (one burst of buffered entries makes a few batches, not one per span). A
 * timer runs only while spans wait. No page-hide listener: the caller flushes on hide itself.
 */
export function createBatchProcessor(exporter: SpanExporter, delayMs: number): BatchProcessor {
  let queue: ReadableSpan[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let soon = false;
  let stopped = false;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    soon = false;
    while (queue.length) {
      const batch = queue.slice(0, MAX_EXPORT_BATCH);
      queue = queue.slice(MAX_EXPORT_BATCH);
      safely(() => exporter.export(batch));
    }
  };
  const processor: BatchProcessor = {
    dropped: 0,
    onEnd(span) {
      if (stopped) return;
      if (queue.length >= MAX_QUEUE) {
        processor.dropped++;
        return;
      }
      queue.push(span);
      if (queue.length >= MAX_EXPORT_BATCH) {
        if (!soon) queueMicrotask(() => safely(flush));
        soon = true;
      } else timer ??= setTimeout(() => safely(flush), delayMs);
    },
    forceFlush() {
      flush();
      return Promise.resolve();
    },
    shutdown() {
      flush();
      stopped = true;
      return exporter.shutdown();
    },
  };
  return processor;
}
