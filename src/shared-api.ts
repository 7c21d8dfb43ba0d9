// What the script-tag loader hands to otel-rum.lazy.js of '@opentelemetry/api': the lazy file is
// built against this copy (src/lazy-api.ts) instead of bundling a second one. Every value the
// rest of the SDK imports from the API is here; a build of the lazy file fails on one that is not.
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
} from '@opentelemetry/api';

export const SHARED_API = { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags };
export type SharedApi = typeof SHARED_API;

/** Where the loader leaves its register function (with the API on it) for the lazy file. */
export const REGISTER = Symbol.for('otel-rum.full');
