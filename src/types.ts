import type { Attributes } from '@opentelemetry/api';

/** A URL pattern: a substring to look for, or a regular expression to test. */
export type UrlMatcher = string | RegExp;

/** Attribute values the SDK accepts from the application. */
export type RumAttributes = Attributes;

export type Consent = 'granted' | 'pending' | 'denied';

/** What `beforeSend` sees: a finished span, before export. */
export interface RumSpanData {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Mutable: change or delete attributes here. */
  readonly attributes: Record<string, unknown>;
}

export interface InstrumentationOptions {
  /** Core Web Vitals (LCP, INP, CLS) plus FCP, TTFB and the deprecated FID. @defaultValue true */
  webVitals?: boolean;
  /** One `page_load` span per document load and back/forward cache restore. @defaultValue true */
  pageLoad?: boolean;
  /** One `route_change` span per SPA route change (History API, popstate). @defaultValue true */
  navigation?: boolean;
  /** @defaultValue true */
  errors?: boolean;
  /** @defaultValue true */
  interactions?: boolean;
  /** @defaultValue true */
  fetch?: boolean;
  /** @defaultValue true */
  xhr?: boolean;
  /** @defaultValue true */
  longAnimationFrames?: boolean;
}

export interface SessionOptions {
  /** A session ends after this long without user input. @defaultValue 900000 (15 min) */
  inactivityTimeoutMs?: number;
  /** A session never lasts longer than this. @defaultValue 14400000 (4 h) */
  maxDurationMs?: number;
  /** Where the session lives; `localStorage` shares it across tabs. @defaultValue 'localStorage' */
  storage?: 'localStorage' | 'sessionStorage' | 'memory';
}

export interface RumOptions {
  /** `service.name` of the web app. Required. */
  serviceName: string;
  /** Collector OTLP/HTTP base URL; traces go to `${endpoint}/v1/traces`. @defaultValue same origin */
  endpoint?: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** `deployment.environment.name`. */
  environment?: string;
  /** Share of sessions recorded, 0..1, decided once per session from its id. @defaultValue 1 */
  sessionSampleRate?: number;
  /** Record this session whatever the rate (evaluated once when a session starts). */
  alwaysSample?: () => boolean;
  /** Requests to these URLs carry `traceparent`. @defaultValue [] (same origin only) */
  propagateTraceHeaderCorsUrls?: UrlMatcher[];
  /** Requests to these URLs are not traced. @defaultValue [] */
  ignoreUrls?: UrlMatcher[];
  /** Route templates such as `/product/:id`; unmatched paths collapse ids. @defaultValue [] */
  routes?: string[];
  /** Turn single instrumentations off. @defaultValue all on */
  instrumentations?: InstrumentationOptions;
  session?: SessionOptions;
  /** @defaultValue 'granted' */
  consent?: Consent;
  /** Query parameters whose values survive URL scrubbing. @defaultValue [] */
  allowedQueryParams?: string[];
  /** Replace the default URL scrubbing (runs after it). */
  scrubUrl?: (url: string) => string;
  /** Change a span's attributes before export, or return false to drop it. */
  beforeSend?: (span: RumSpanData) => boolean | void;
  /** Extra attributes on every span. */
  attributes?: RumAttributes;
  /** Extra HTTP headers on export requests (note: custom headers force a CORS preflight). */
  headers?: Record<string, string>;
  /**
   * Bound of the persistent outbox that keeps what could not be sent (offline, collector down,
   * page closed), in characters stored (OTLP JSON batches with their metadata); the oldest
   * batches are dropped first. @defaultValue 1000000
   */
  outboxMaxBytes?: number;
  /**
   * URL of the relay service worker (`otel-rum/sw`, dist/otel-rum-sw.js) to register, served from
   * your origin. Apps with a service worker of their own `importScripts()` it there instead and
   * leave this unset: a controlling worker that runs the relay is used either way. With it, a tab
   * closed right after its last request still gets that request retried until the collector
   * takes it. @defaultValue undefined (no worker registered)
   */
  serviceWorker?: string;
  /**
   * Script-tag install: the URL of `otel-rum.lazy.js`, the rest of the SDK that the loader
   * brings in after the load event. Default: next to the loader's own script.
   */
  lazyScriptUrl?: string;
  /** How often batched spans are sent, in ms. @defaultValue 5000 */
  flushIntervalMs?: number;
  /** Log internal errors to the console. @defaultValue false */
  debug?: boolean;
}

export interface RumUser {
  id: string;
}

export interface Rum {
  setUser(user: RumUser): void;
  clearUser(): void;
  /** A custom event span, carrying the page's LCP rating once known. */
  trackEvent(name: string, attributes?: RumAttributes): void;
  recordError(error: unknown, attributes?: RumAttributes): void;
  setConsent(consent: Consent): void;
  /** Current session id ('' when the SDK is off). */
  getSessionId(): string;
  /** Sends everything buffered now. */
  flush(): Promise<void>;
  /** Flushes, then removes every listener, observer and patch. */
  shutdown(): Promise<void>;
}
