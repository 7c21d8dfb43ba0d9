import { reportInternalError, safely } from '../guard';

/** A request as the patch sees it when it starts. */
export interface HttpRequestInfo {
  kind: 'fetch' | 'xhr';
  /** As the app gave it (fetch's default is GET). */
  method: string;
  /** Absolute. */
  url: string;
  /** performance.now() */
  startTime: number;
}

export interface HttpResult {
  /** 0 when no response came (network error, blocked, aborted, timed out). */
  status: number;
  /** The response's `Server-Timing` header, where readable. */
  serverTiming: string | null;
  /** Cancelled by the app: an aborted signal, `xhr.abort()`, or the XHR re-opened. */
  aborted: boolean;
  /** performance.now(): fetch's response headers arrived, or the XHR's `loadend`. */
  endTime: number;
}

/** One traced request. */
export interface HttpCall {
  /** Added to the request unless the app (or a wrapper outside ours) already set them. */
  headers?: Record<string, string>;
  /** Runs the wrapped call, e.g. inside the span's context for an instrumentation inside ours. */
  run?<T>(call: () => T): T;
  end(result: HttpResult): void;
}

export interface HttpHandler {
  /** Nothing to trace: undefined. */
  start(info: HttpRequestInfo): HttpCall | undefined;
}

type Fetch = typeof fetch;
type FetchArgs = Parameters<Fetch>;

interface XhrState {
  method: string;
  url: string;
  async: boolean;
  /** Header names the app set (lower case). */
  set: Set<string>;
  /** Ends the call in flight, as cancelled (open() again terminates it without any event). */
  cancel?: () => void;
}

/**
 * Patches `fetch` and `XMLHttpRequest` for tracing. Small and free of OpenTelemetry so it can be
 * installed early: each request asks `handler()` (which may still be undefined, or be swapped
 * later) whether to trace it. The page's request always goes through, whatever the handler does.
 * On stop, each method is restored where our wrapper is still the outermost one; elsewhere it
 * becomes a pass-through, so a wrapper added after ours keeps working.
 */
export function patchHttp(handler: () => HttpHandler | undefined): () => void {
  let active = true;
  const restores: (() => void)[] = [];
  const wrap = <T extends object, K extends keyof T>(
    target: T,
    key: K,
    make: (original: T[K]) => T[K],
  ): void =>
    safely(() => {
      const original = target[key];
      if (typeof original !== 'function') return;
      const wrapper = make(original);
      // what code that inspects the function sees: fetch.length is 1, fetch.name 'fetch'; and
      // `__original` (the shimmer convention), which our sender uses: exports are never traced
      Object.defineProperties(wrapper, {
        name: { value: original.name },
        length: { value: original.length },
        __original: { value: original },
      });
      target[key] = wrapper;
      restores.push(() => {
        if (target[key] === wrapper) target[key] = original;
      });
    });
  const start = (kind: HttpRequestInfo['kind'], request: () => [method: string, url: string]) =>
    active
      ? safely(() => {
          const startTime = now();
          const current = handler();
          if (!current) return undefined;
          const [method, url] = request();
          return current.start({ kind, method, url: absolute(url), startTime });
        })
      : undefined;

  wrap(
    globalThis as { fetch: Fetch },
    'fetch',
    (original) =>
      function fetch(this: unknown, ...args: FetchArgs): Promise<Response> {
        const [input, init] = args;
        const request = isRequest(input) ? input : undefined;
        const call = start('fetch', () => [
          init?.method ?? request?.method ?? 'GET',
          String(request?.url ?? input),
        ]);
        if (!call) return original.apply(this, args);
        const sent =
          (call.headers && safely(() => withHeaders(input, init, call.headers!))) || args;
        const aborted = (error: unknown): boolean =>
          (error as Error | undefined)?.name === 'AbortError' ||
          !!(init?.signal ?? request?.signal)?.aborted;
        let response: Promise<Response>;
        try {
          response = Promise.resolve(within(call, () => original.apply(this, sent)));
        } catch (error) {
          end(call, () => ({ status: 0, serverTiming: null, aborted: aborted(error) }));
          throw error;
        }
        return response.then(
          (res) => {
            end(call, () => ({
              status: res.status,
              serverTiming: res.headers.get('server-timing'),
              aborted: false,
            }));
            return res;
          },
          (error: unknown) => {
            end(call, () => ({ status: 0, serverTiming: null, aborted: aborted(error) }));
            throw error;
          },
        );
      },
  );

  if (typeof XMLHttpRequest === 'function') {
    const xhrs = new WeakMap<XMLHttpRequest, XhrState>();
    const proto = XMLHttpRequest.prototype;
    wrap(
      proto,
      'open',
      (original) =>
        function open(this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['open']>) {
          original.apply(this, args);
          safely(() => {
            xhrs.get(this)?.cancel?.();
            xhrs.set(this, {
              method: String(args[0]),
              url: String(args[1]),
              async: args[2] !== false,
              set: new Set(),
            });
          });
        } as XMLHttpRequest['open'],
    );
    wrap(
      proto,
      'setRequestHeader',
      (original) =>
        function setRequestHeader(this: XMLHttpRequest, name: string, value: string) {
          original.call(this, name, value);
          xhrs.get(this)?.set.add(String(name).toLowerCase());
        },
    );
    wrap(
      proto,
      'send',
      (original) =>
        function send(this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['send']>) {
          const state = xhrs.get(this);
          const call = state && start('xhr', () => [state.method, state.url]);
          if (!state || !call) return original.apply(this, args);
          safely(() => {
            for (const [name, value] of Object.entries(call.headers ?? {})) {
              if (!state.set.has(name.toLowerCase())) this.setRequestHeader(name, value);
            }
          });
          let aborted = false;
          let ended = false;
          const onAbort = (): void => {
            aborted = true;
          };
          const onLoadEnd = (): void => finish(aborted);
          const finish = (cancelled: boolean): void => {
            if (ended) return;
            ended = true;
            this.removeEventListener('abort', onAbort);
            this.removeEventListener('loadend', onLoadEnd);
            if (state.cancel === cancel) state.cancel = undefined;
            end(call, () => ({
              status: cancelled ? 0 : this.status,
              serverTiming: cancelled ? null : responseHeader(this, 'server-timing'),
              aborted: cancelled,
            }));
          };
          const cancel = (): void => finish(true);
          this.addEventListener('abort', onAbort);
          this.addEventListener('loadend', onLoadEnd);
          try {
            within(call, () => original.apply(this, args));
          } catch (error) {
            finish(false);
            throw error;
          }
          // a synchronous request is over when send() returns
          if (!state.async) finish(aborted);
          else if (!ended) state.cancel = cancel;
        },
    );
  }

  return () => {
    active = false;
    restores.forEach((restore) => restore());
  };
}

const now = (): number => performance.now();

function absolute(url: string): string {
  try {
    return new URL(url, typeof document === 'undefined' ? undefined : document.baseURI).href;
  } catch {
    return url;
  }
}

function isRequest(input: unknown): input is Request {
  return typeof Request === 'function' && input instanceof Request;
}

function end(call: HttpCall, result: () => Omit<HttpResult, 'endTime'>): void {
  const endTime = now();
  safely(() => call.end({ ...result(), endTime }));
}

function responseHeader(xhr: XMLHttpRequest, name: string): string | null {
  try {
    return xhr.getResponseHeader(name);
  } catch {
    return null;
  }
}

/**
 * Runs the request through `call.run` when there is one. A `run` that fails by itself (not
 * because the request threw) is reported, and the request still goes out exactly once.
 */
function within<T>(call: HttpCall, request: () => T): T {
  if (!call.run) return request();
  let state = 0; // 1: request running, 2: request returned
  let value!: T;
  try {
    return call.run(() => {
      state = 1;
      value = request();
      state = 2;
      return value;
    });
  } catch (error) {
    if (state === 1) throw error;
    reportInternalError(error);
    return state === 2 ? value : request();
  }
}

/**
 * The fetch arguments with `add` in the request's headers where they are not set yet, or
 * undefined to send the app's arguments as they are. The app's objects are never modified: a
 * Request keeps its body, method and signal (fetch(request, init) takes them from it), and only
 * `init`'s headers are replaced (they replace a Request's own, as fetch does).
 */
function withHeaders(
  input: FetchArgs[0],
  init: RequestInit | undefined,
  add: Record<string, string>,
): FetchArgs | undefined {
  const request = isRequest(input) ? input : undefined;
  // an init that is not a plain object (a class instance) cannot be copied with its getters
  const proto: unknown = init && Object.getPrototypeOf(init);
  if (proto && proto !== Object.prototype) return undefined;
  const headers = new Headers(
    request && init?.headers === undefined ? request.headers : init?.headers,
  );
  let added = false;
  for (const [name, value] of Object.entries(add)) {
    if (!headers.has(name)) {
      headers.set(name, value);
      added = true;
    }
  }
  if (!added) return undefined;
  // fetch(request, init) with a non-empty init resets the request's referrer: keep it
  const referrer = request && {
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  };
  return [input, { ...referrer, ...init, headers }];
}
