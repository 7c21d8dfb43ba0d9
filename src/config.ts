import type { Consent, RumOptions, UrlMatcher } from './types';

export const SESSION_INACTIVITY_MS = 15 * 60_000;
export const SESSION_MAX_DURATION_MS = 4 * 3_600_000;
export const FLUSH_INTERVAL_MS = 5_000;
export const OUTBOX_MAX_BYTES = 1_000_000;

export interface ResolvedConfig {
  serviceName: string;
  endpoint: string;
  serviceVersion?: string;
  environment?: string;
  sessionSampleRate: number;
  alwaysSample?: () => boolean;
  propagateTraceHeaderCorsUrls: UrlMatcher[];
  ignoreUrls: UrlMatcher[];
  routes: string[];
  instrumentations: Required<NonNullable<RumOptions['instrumentations']>>;
  session: Required<NonNullable<RumOptions['session']>>;
  consent: Consent;
  allowedQueryParams: string[];
  scrubUrl?: (url: string) => string;
  beforeSend?: RumOptions['beforeSend'];
  attributes: NonNullable<RumOptions['attributes']>;
  headers: Record<string, string>;
  flushIntervalMs: number;
  outboxMaxBytes: number;
  serviceWorker?: string;
  lazyScriptUrl?: string;
  debug: boolean;
}

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isNonEmptyString: Check = (v) => typeof v === 'string' && v.trim() !== '';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isFunction: Check = (v) => typeof v === 'function';
const isRate: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const isPositive: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isMatcherList: Check = (v) =>
  Array.isArray(v) && v.every((m) => typeof m === 'string' || m instanceof RegExp);
const isStringList: Check = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isPlainObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isHttpUrl: Check = (v) => {
  if (typeof v !== 'string') return false;
  try {
    const url = new URL(v, typeof location === 'undefined' ? undefined : location.href);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const objectOf =
  (table: Record<string, [Check, string]>): Check =>
  (v) =>
    isPlainObject(v) &&
    Object.entries(v as Record<string, unknown>).every(
      ([k, x]) => table[k] !== undefined && (x === undefined || table[k][0](x)),
    );

const INSTRUMENTATION_NAMES = [
  'webVitals',
  'pageLoad',
  'navigation',
  'errors',
  'interactions',
  'fetch',
  'xhr',
  'longAnimationFrames',
] as const;

const SESSION_TABLE: Record<string, [Check, string]> = {
  inactivityTimeoutMs: [isPositive, 'a positive number of milliseconds'],
  maxDurationMs: [isPositive, 'a positive number of milliseconds'],
  storage: [
    oneOf('localStorage', 'sessionStorage', 'memory'),
    "'localStorage', 'sessionStorage' or 'memory'",
  ],
};

/** The option table: each option's check and the words used in its warning. */
const OPTIONS: Record<keyof RumOptions, [Check, string]> = {
  serviceName: [isNonEmptyString, 'a non-empty string'],
  endpoint: [isHttpUrl, 'an http(s) URL'],
  serviceVersion: [isString, 'a string'],
  environment: [isString, 'a string'],
  sessionSampleRate: [isRate, 'a number from 0 to 1'],
  alwaysSample: [isFunction, 'a function'],
  propagateTraceHeaderCorsUrls: [isMatcherList, 'an array of strings or RegExps'],
  ignoreUrls: [isMatcherList, 'an array of strings or RegExps'],
  routes: [isStringList, 'an array of route templates'],
  instrumentations: [
    objectOf(Object.fromEntries(INSTRUMENTATION_NAMES.map((n) => [n, [isBoolean, 'a boolean']]))),
    `an object with boolean keys among ${INSTRUMENTATION_NAMES.join(', ')}`,
  ],
  session: [objectOf(SESSION_TABLE), 'an object { inactivityTimeoutMs, maxDurationMs, storage }'],
  consent: [oneOf('granted', 'pending', 'denied'), "'granted', 'pending' or 'denied'"],
  allowedQueryParams: [isStringList, 'an array of strings'],
  scrubUrl: [isFunction, 'a function'],
  beforeSend: [isFunction, 'a function'],
  attributes: [isPlainObject, 'an object of attributes'],
  headers: [
    (v) => isPlainObject(v) && Object.values(v as object).every(isString),
    'an object of string headers',
  ],
  flushIntervalMs: [isPositive, 'a positive number of milliseconds'],
  outboxMaxBytes: [isPositive, 'a positive number of bytes'],
  serviceWorker: [isNonEmptyString, 'the URL of the otel-rum service worker script'],
  lazyScriptUrl: [isNonEmptyString, 'the URL of otel-rum.lazy.js'],
  debug: [isBoolean, 'a boolean'],
};

export type ConfigResult =
  | { ok: true; config: ResolvedConfig; warnings: string[] }
  | { ok: false; error: string; warnings: string[] };

/** Validates options once. Unknown options warn; an invalid value turns the SDK off. */
export function resolveConfig(input: unknown, defaultEndpoint = ''): ConfigResult {
  const warnings: string[] = [];
  if (!isPlainObject(input)) {
    return { ok: false, error: 'initRum() needs an options object with serviceName', warnings };
  }
  const options = input as Record<string, unknown>;
  // index loops, no destructuring: this runs once on the critical path, and iterator protocol
  // bytecode in a loop is what gets a run-once function compiled to machine code
  const given = Object.keys(options);
  for (let i = 0; i < given.length; i++) {
    if (!(given[i]! in OPTIONS)) warnings.push(`unknown option "${given[i]}" is ignored`);
  }
  if (options.serviceName === undefined) {
    return { ok: false, error: 'option "serviceName" is required', warnings };
  }
  for (const key in OPTIONS) {
    const rule = OPTIONS[key as keyof RumOptions];
    const value = options[key];
    if (value !== undefined && !rule[0](value)) {
      return { ok: false, error: `option "${key}" must be ${rule[1]}`, warnings };
    }
  }
  const o = options as unknown as RumOptions;
  const endpoint = (o.endpoint ?? defaultEndpoint).replace(/\/+$/, '');
  return {
    ok: true,
    warnings,
    config: {
      serviceName: o.serviceName,
      endpoint,
      serviceVersion: o.serviceVersion,
      environment: o.environment,
      sessionSampleRate: o.sessionSampleRate ?? 1,
      alwaysSample: o.alwaysSample,
      propagateTraceHeaderCorsUrls: o.propagateTraceHeaderCorsUrls ?? [],
      ignoreUrls: o.ignoreUrls ?? [],
      routes: o.routes ?? [],
      instrumentations: {
        ...Object.fromEntries(INSTRUMENTATION_NAMES.map((n) => [n, true])),
        ...o.instrumentations,
      } as ResolvedConfig['instrumentations'],
      session: {
        inactivityTimeoutMs: o.session?.inactivityTimeoutMs ?? SESSION_INACTIVITY_MS,
        maxDurationMs: o.session?.maxDurationMs ?? SESSION_MAX_DURATION_MS,
        storage: o.session?.storage ?? 'localStorage',
      },
      consent: o.consent ?? 'granted',
      allowedQueryParams: o.allowedQueryParams ?? [],
      scrubUrl: o.scrubUrl,
      beforeSend: o.beforeSend,
      attributes: o.attributes ?? {},
      headers: o.headers ?? {},
      flushIntervalMs: o.flushIntervalMs ?? FLUSH_INTERVAL_MS,
      outboxMaxBytes: o.outboxMaxBytes ?? OUTBOX_MAX_BYTES,
      serviceWorker: o.serviceWorker,
      lazyScriptUrl: o.lazyScriptUrl,
      debug: o.debug ?? false,
    },
  };
}
