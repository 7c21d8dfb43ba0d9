import type { KeyValueStore } from '../browser/storage';
import type { SpanExporter } from '../trace/batch';
import { encodeRequest, spanJson } from '../trace/otlp';
import type { ReadableSpan } from '../trace/span';
import type { Consent } from '../types';
import { clearRelay, createRelay, type Relay } from '../relay/client';
import { createOutbox, type Dropped } from './outbox';
import { createSender, KEEPALIVE_BUDGET_BYTES } from './sender';

/** Spans kept in memory while consent is pending; the oldest go first past this bound. */
export const PENDING_CONSENT_MAX_SPANS = 500;
/** A serialized batch stays under this, so it can go as one keepalive request. */
export const MAX_BATCH_BYTES = KEEPALIVE_BUDGET_BYTES - 4_000;

export interface RumExporter extends SpanExporter {
  setConsent(consent: Consent): void;
  /** Resolves once nothing is in flight (at most 10 s). */
  forceFlush(): Promise<void>;
  /** Send what is queued now; `urgent` when the page is being hidden or unloaded. */
  pump(urgent: boolean): void;
  /** Batches go to the relay worker, which sends and retries them after the page has closed. */
  relayed(): boolean;
  /** Resolves once nothing is in flight. */
  settle(timeoutMs: number): Promise<void>;
  release(): void;
  reclaim(): void;
  /** The unload is over: from now on batches are stored, not sent (see Sender.unload). */
  unload(): void;
}

export interface ExporterOptions {
  endpoint: string;
  headers: Record<string, string>;
  consent: Consent;
  store: KeyValueStore;
  outboxMaxChars?: number;
  onDropped?: (dropped: Dropped) => void;
  /** Register this relay service worker script (see src/relay), unless another script's worker has the scope (then `installRelay` in that worker); a relay already there is used anyway. */
  serviceWorker?: string;
}

/** UTF-8 bytes of `text` (JSON.stringify leaves no lone surrogate: a pair is 4 bytes). */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2;
  }
  return bytes;
}

/**
 * Serializes spans to OTLP/JSON bodies that each fit the keepalive budget, halving a batch that
 * does not. Each span is encoded once (`texts`), however often its batch is split.
 */
export function serialize(
  spans: ReadableSpan[],
  texts: string[] = spans.map(spanJson),
): { body: string; spans: number; bytes: number }[] {
  if (!spans.length) return [];
  const body = encodeRequest(spans, texts);
  const bytes = utf8Bytes(body);
  if (bytes > MAX_BATCH_BYTES && spans.length > 1) {
    const half = Math.ceil(spans.length / 2);
    return [
      ...serialize(spans.slice(0, half), texts.slice(0, half)),
      ...serialize(spans.slice(half), texts.slice(half)),
    ];
  }
  return [{ body, spans: spans.length, bytes }];
}

/**
 * OTLP/HTTP JSON to `${endpoint}/v1/traces` through the sender and its persistent outbox.
 * Consent `pending` holds spans in memory only; `denied` drops them and clears the outbox.
 */
export function createExporter(options: ExporterOptions): RumExporter {
  const outbox = createOutbox(options.store, options.outboxMaxChars);
  // looked for only once consent is granted: the ping leaves a mark in storage
  let relay: Relay | undefined;
  let relayChecked = false;
  const sender = createSender({
    url: `${options.endpoint}/v1/traces`,
    headers: options.headers,
    outbox,
    onDropped: options.onDropped,
    relay: () => relay,
  });
  let state = options.consent;
  const findRelay = (): void => {
    if (relayChecked) return;
    relayChecked = true;
    relay = createRelay(options.store, options.serviceWorker);
  };
  if (state === 'granted') findRelay();
  else if (state === 'denied') clearRelay(options.store);
  let pending: ReadableSpan[] = [];
  const enqueue = (spans: ReadableSpan[]): void => {
    for (const batch of serialize(spans)) sender.enqueue(batch.body, batch.spans, batch.bytes);
  };
  if (state === 'granted') sender.replay();
  return {
    export(spans) {
      if (state === 'granted') {
        enqueue(spans);
        sender.pump();
      } else if (state === 'pending') {
        pending.push(...spans);
        if (pending.length > PENDING_CONSENT_MAX_SPANS)
          pending = pending.slice(-PENDING_CONSENT_MAX_SPANS);
      }
      // delivery is the sender's job from here: the batch processor does not wait or retry
    },
    setConsent(next) {
      const before = state;
      state = next;
      if (next === 'denied') {
        pending = [];
        sender.clear();
        clearRelay(options.store);
      } else if (next === 'granted' && before !== 'granted') {
        findRelay();
        const held = pending;
        pending = [];
        if (held.length) enqueue(held);
        sender.replay();
      }
    },
    pump: (urgent) => sender.pump(urgent),
    relayed: () => !!relay?.ready(),
    settle: (timeoutMs) => sender.settle(timeoutMs),
    release: () => sender.release(),
    reclaim: () => sender.reclaim(),
    unload: () => sender.unload(),
    forceFlush: () => sender.settle(10_000),
    shutdown: async () => {
      await sender.settle(5_000);
      sender.stop();
      relay?.stop();
    },
  };
}
