/**
 * The messages between a page and the otel-rum service worker (dist/otel-rum-sw.js). A page hands
 * its batches to the worker, which outlives the page: it reads the collector's answer and retries,
 * so a tab that closes right after its last request loses nothing and sends nothing twice.
 */
export const RELAY_PROTOCOL = 'otel-rum/relay/1';

export interface RelayBatch {
  id: string;
  url: string;
  headers: Record<string, string>;
  /** OTLP/JSON ExportTraceServiceRequest. */
  body: string;
  spans: number;
}

export type RelayRequest =
  | { protocol: typeof RELAY_PROTOCOL; type: 'ping' }
  /** The page came back online: retry now rather than at the end of the backoff. */
  | { protocol: typeof RELAY_PROTOCOL; type: 'online' }
  /**
   * Answered once the worker has stored the batch: from then on it is the worker's to send.
   * `maxChars` is the page's outbox bound, which the worker keeps too.
   */
  | { protocol: typeof RELAY_PROTOCOL; type: 'relay'; batch: RelayBatch; maxChars: number }
  /** Which of these batches the worker holds or has delivered (the rest never reached it). */
  | { protocol: typeof RELAY_PROTOCOL; type: 'status'; ids: string[] }
  /** Consent withdrawn: forget everything. */
  | { protocol: typeof RELAY_PROTOCOL; type: 'clear' };

export interface RelayReply {
  ok: boolean;
  known?: string[];
}
