import {
  context as otelContext,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';
import type { ResolvedConfig } from './config';
import { compileRoutes, routeTemplate } from './routes';
import { scrubUrl } from './privacy/url';
import { safely } from './guard';
import { randomHex } from './session/sampling';
import { currentUrl } from './browser/dom';
import type { SessionManager } from './session/session';
import { ATTR_PAGE_ROUTE, ATTR_PAGE_URL, ATTR_PAGE_VIEW_ID } from './semconv';

/** One page view: a document load, a back/forward cache restore or an SPA route change. */
export interface PageView {
  id: string;
  /** Scrubbed URL. */
  url: string;
  route: string;
  /** performance.now() when the view began. */
  at: number;
  /** Context carrying the page view's span, parent of what happens during the view. */
  parent?: Context;
}

/** The last thing the user did, for error context. */
export interface UserAction {
  type: string;
  target: string;
  /** performance.now() of the action */
  at: number;
}

/** What every instrumentation gets: configuration, the tracer and the page's state. */
export interface RumContext {
  readonly config: ResolvedConfig;
  readonly tracer: Tracer;
  readonly session: SessionManager;
  /** The page view the document was loaded (or restored) as. */
  documentView: PageView;
  /** The page view the user is on now (differs after SPA route changes). */
  currentView: PageView;
  /** The last route changes' views, oldest first (a soft navigation's vitals find theirs). */
  routeViews: PageView[];
  /** Rating of the document's LCP once known, for custom events. */
  lcpRating?: string;
  lastAction?: UserAction;
  /** fetch/XHR requests started and not finished. */
  requestsInFlight: number;
  /** Recent interaction spans by start time, so an INP report can link to its click. */
  recentInteractions: { at: number; span: SpanContext }[];
  /** Called when a fetch/XHR starts. */
  requestListeners: Set<() => void>;
  /** The latest interaction's context while its window is open (see interaction-context.ts). */
  interaction(): Context | undefined;
  /**
   * Run when the page hides or leaves, before the urgent flush: what is held until then (the
   * latest INP and CLS) becomes spans that go out with it.
   */
  onHide: Set<() => void>;
  /**
   * Spans still open (a click waiting for the page's reaction, a page still loading, a route
   * rendering): ended when the page hides, so a closed tab loses none of them.
   */
  open: Set<() => void>;
  /** Default scrubbing, then the user's `scrubUrl` hook. */
  scrub(url: string): string;
  route(url: string): string;
  newPageView(url: string): PageView;
  /** The active context without any span: parent of a new trace. */
  rootContext(): Context;
  /** Starts a span whose parent is the given page view (or no parent). */
  startSpan(name: string, attributes: Attributes, options?: RumSpanOptions): Span;
}

export interface RumSpanOptions {
  startTime?: TimeInput;
  view?: PageView;
  /** Root span of a new trace (default: child of the view's span when it has one). */
  root?: boolean;
  kind?: SpanOptions['kind'];
  /** An explicit parent (an interaction's context), instead of the view's span. */
  parent?: Context;
  links?: SpanOptions['links'];
}

export function createRumContext(
  config: ResolvedConfig,
  tracer: Tracer,
  session: SessionManager,
  interaction: () => Context | undefined = () => undefined,
  /** The document's URL (the critical path's, taken before the app could route). */
  href = currentUrl(),
): RumContext {
  const routes = compileRoutes(config.routes);
  const scrub = (url: string): string => {
    const base = currentUrl() || undefined;
    const scrubbed = scrubUrl(url, config.allowedQueryParams, base);
    if (!config.scrubUrl) return scrubbed;
    const custom = safely(() => config.scrubUrl!(scrubbed));
    return typeof custom === 'string' ? custom : scrubbed;
  };
  const route = (url: string): string => {
    try {
      return routeTemplate(new URL(url, currentUrl() || undefined).pathname, routes);
    } catch {
      return '/';
    }
  };
  const newPageView = (url: string): PageView => ({
    id: randomHex(8),
    url: scrub(url),
    route: route(url),
    at: typeof performance === 'undefined' ? 0 : performance.now(),
  });
  const first = newPageView(href);
  const ctx: RumContext = {
    config,
    tracer,
    session,
    documentView: first,
    currentView: first,
    routeViews: [],
    requestsInFlight: 0,
    requestListeners: new Set(),
    recentInteractions: [],
    interaction,
    onHide: new Set(),
    open: new Set(),
    scrub,
    route,
    newPageView,
    rootContext: () => trace.deleteSpan(otelContext.active()),
    startSpan(name, attributes, options = {}) {
      const view = options.view ?? ctx.currentView;
      const parent = options.root
        ? ctx.rootContext()
        : (options.parent ?? view.parent ?? otelContext.active());
      return tracer.startSpan(
        name,
        {
          kind: options.kind,
          links: options.links,
          startTime: options.startTime,
          attributes: {
            [ATTR_PAGE_VIEW_ID]: view.id,
            [ATTR_PAGE_URL]: view.url,
            [ATTR_PAGE_ROUTE]: view.route,
            ...attributes,
          },
        },
        parent,
      );
    },
  };
  return ctx;
}

/**
 * Keeps a span-ending function in `ctx.open` until it runs: either when the instrumentation is
 * done, or when the page hides (whichever comes first). Returns the function, safe to call twice.
 */
export function holdOpen(ctx: RumContext, end: () => void): () => void {
  const once = (): void => {
    if (ctx.open.delete(once)) end();
  };
  ctx.open.add(once);
  return once;
}
