// '@opentelemetry/api' in otel-rum.lazy.js (an alias in scripts/build.mjs): the loader's copy,
// left on its register function before it added this file. Without a loader (the file loaded
// alone) it is empty, and src/lazy-iife.ts registers nothing.
import { REGISTER, type SharedApi } from './shared-api';

const register = (globalThis as Record<symbol, { api?: SharedApi } | undefined>)[REGISTER];
const api: Partial<SharedApi> = register?.api ?? {};

export const { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } =
  api as SharedApi;
