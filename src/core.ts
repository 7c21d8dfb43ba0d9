import type { KeyValueStore } from './browser/storage';
import type { HttpCall, HttpHandler, HttpRequestInfo, HttpResult } from './browser/http-patch';
import type { ResolvedConfig } from './config';
import type { InteractionContextManager } from './interaction-context';
import type { Session, SessionManager } from './session/session';
import type { Consent, RumAttributes, RumUser } from './types';

/**
 * What the critical path (src/loader.ts) hands to the rest of the SDK (src/full.ts) once that has
 * loaded: the decisions already taken and what happened in between. Types only: the two halves
 * share no code through this module.
 */

/** Span ids decided on the critical path (sent in a `traceparent`, or a parent of one). */
export interface SpanIds {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

/** A fetch/XHR the critical path saw; `result` is set when it ends, and `done` is told. */
export interface EarlyRequest {
  info: HttpRequestInfo;
  ids: SpanIds;
  result?: HttpResult;
  done?: (result: HttpResult) => void;
}

/**
 * The page's first reaction to a queued click or submit (a DOM change or a request), watched on
 * the critical path for the dead-click window: `at` when it came, `dead` when the window ended
 * without one, `stop` while still watching (the rest then stops it and watches on itself).
 */
export interface EarlyReaction {
  at?: number;
  dead?: true;
  stop?: () => void;
}

/**
 * What the critical path saw: queued until the rest loaded, then handed over live. Events keep
 * their real `timeStamp`; `user` is the user at that moment.
 */
export type Early = { user?: RumUser } & (
  | { type: 'error'; event: Event }
  | {
      type: 'interaction';
      event: Event;
      ids: SpanIds;
      paintedAt?: number;
      reaction?: EarlyReaction;
    }
  | { type: 'route'; href: string; at: number; paintedAt?: number }
  | { type: 'request'; request: EarlyRequest }
  | { type: 'session'; session: Session }
  | { type: 'event'; at: number; name: string; attributes?: RumAttributes }
  | { type: 'recordError'; at: number; error: unknown; attributes?: RumAttributes }
);

/** The store that follows consent: memory while pending, the configured kind once granted. */
export interface ConsentStore extends KeyValueStore {
  upgrade(): void;
  forget(): void;
}

export interface Core {
  readonly config: ResolvedConfig;
  readonly store: ConsentStore;
  readonly session: SessionManager;
  /**
   * Ours, registered as the global context manager on the critical path where the app had none
   * yet (an app's OpenTelemetry set up after initRum keeps it, and sees our interactions).
   */
  readonly contextManager: InteractionContextManager;
  consent(): Consent;
  user(): RumUser | undefined;
  /** The document's URL when the SDK started (its page view, whatever the app routed since). */
  readonly href: string;
  /** performance.now() when the page was first hidden before the rest loaded (Infinity: never). */
  readonly hiddenAt: number;
  /**
   * The page's load and load vitals (TTFB, FCP, LCP) are sent: by another page (it was stored as
   * the page left, then restored), or by the rest, which tracks them (`markDocumentSent`). A page
   * closing then stores neither.
   */
  readonly documentSent: boolean;
  markDocumentSent(): void;
  /** A `pagehide` not for the back/forward cache came: the page is going away. */
  readonly closing: boolean;
  /**
   * Hands over what the critical path listens to: what was queued is passed to `sink` now, in
   * order, and everything after as it happens (the same listeners and patches serve both).
   * `undefined`: stop handing over (consent withdrawn); nothing is queued any more either.
   */
  handOver(sink: ((entry: Early) => void) | undefined): void;
  /** Serves fetch/XHR from now on (the patch itself was installed on the critical path). */
  setHttpHandler(handler: HttpHandler | undefined): void;
}

/** The rest of the SDK, started by the critical path after load. */
export interface Full {
  setConsent(consent: Consent): void;
  onNewSession(session: Session): void;
  trackEvent(name: string, attributes?: RumAttributes, at?: number): void;
  recordError(error: unknown, attributes?: RumAttributes, at?: number): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface FullModule {
  startFull(core: Core): Promise<Full>;
}

export type { HttpCall, HttpHandler };
