import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Consent } from '../types';

/** Spans kept in memory while consent is pending; the oldest go first past this bound. */
export const PENDING_CONSENT_MAX_SPANS = 500;

export interface ConsentGatedExporter extends SpanExporter {
  setConsent(consent: Consent): void;
}

/** OTLP/HTTP JSON to `${endpoint}/v1/traces`, held back in memory until consent is granted. */
export function createExporter(
  endpoint: string,
  headers: Record<string, string>,
  consent: Consent,
): ConsentGatedExporter {
  const inner = new OTLPTraceExporter({
    url: `${endpoint}/v1/traces`,
    headers,
    timeoutMillis: 10_000,
  });
  let state = consent;
  let pending: ReadableSpan[] = [];
  return {
    export(spans, done: (result: ExportResult) => void) {
      if (state === 'granted') return inner.export(spans, done);
      if (state === 'pending') {
        pending.push(...spans);
        if (pending.length > PENDING_CONSENT_MAX_SPANS) {
          pending = pending.slice(-PENDING_CONSENT_MAX_SPANS);
        }
      }
      done({ code: ExportResultCode.SUCCESS });
    },
    setConsent(next) {
      state = next;
      if (next === 'denied') pending = [];
      if (next === 'granted' && pending.length) {
        const held = pending;
        pending = [];
        inner.export(held, () => {});
      }
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
