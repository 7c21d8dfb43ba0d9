import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patchHttp, type HttpHandler, type HttpRequestInfo, type HttpResult } from './http-patch';

type FetchArgs = Parameters<typeof fetch>;
const g = globalThis as unknown as { fetch: typeof fetch; XMLHttpRequest: unknown };
const realFetch = g.fetch;
const realXhr = g.XMLHttpRequest;

/** The network, as far as the patch can tell: records what it was asked to send. */
let sent: FetchArgs[];
let reply: (args: FetchArgs) => Promise<Response>;
function fakeFetch(...args: FetchArgs): Promise<Response> {
  sent.push(args);
  return reply(args);
}

/** A recording handler: traces everything, adds a traceparent. */
function recorder(headers: Record<string, string> | undefined = { traceparent: 'ours' }) {
  const started: HttpRequestInfo[] = [];
  const ended: HttpResult[] = [];
  const handler: HttpHandler = {
    start(info) {
      started.push(info);
      return { headers, end: (result) => ended.push(result) };
    },
  };
  return { started, ended, handler };
}

/** The headers the request that went out carries, however they were passed. */
const headersOf = (args: FetchArgs): Headers => new Request(...args).headers;

let stops: (() => void)[] = [];
const patch = (handler: () => HttpHandler | undefined) => {
  const stop = patchHttp(handler);
  stops.push(stop);
  return stop;
};

beforeEach(() => {
  sent = [];
  reply = () =>
    Promise.resolve(new Response('ok', { status: 200, headers: { 'server-timing': 'db;dur=1' } }));
  g.fetch = fakeFetch as typeof fetch;
  g.XMLHttpRequest = FakeXhr;
});
afterEach(() => {
  stops.reverse().forEach((stop) => stop());
  stops = [];
  g.fetch = realFetch;
  g.XMLHttpRequest = realXhr;
});

describe('fetch', () => {
  it('reports the request and its response', async () => {
    const { started, ended, handler } = recorder();
    patch(() => handler);
    const res = await fetch('https://api.test/items?q=1', { method: 'post', body: 'x' });
    expect(await res.text()).toBe('ok');
    expect(started).toEqual([
      {
        kind: 'fetch',
        method: 'post',
        url: 'https://api.test/items?q=1',
        startTime: expect.any(Number),
      },
    ]);
    expect(ended).toEqual([
      { status: 200, serverTiming: 'db;dur=1', aborted: false, endTime: expect.any(Number) },
    ]);
    expect(ended[0]!.endTime).toBeGreaterThanOrEqual(started[0]!.startTime);
  });

  it('adds the headers to a string or URL input, keeping the rest of init and not touching it', async () => {
    const { handler } = recorder();
    patch(() => handler);
    const init = { method: 'PUT', body: 'payload', headers: { 'x-app': '1' } };
    await fetch('https://api.test/a', init);
    await fetch(new URL('https://api.test/b'));
    expect(init.headers).toEqual({ 'x-app': '1' });
    const [a, b] = sent;
    expect(a![0]).toBe('https://api.test/a');
    expect(a![1]).toMatchObject({ method: 'PUT', body: 'payload' });
    expect(Object.fromEntries(headersOf(a!))).toMatchObject({ 'x-app': '1', traceparent: 'ours' });
    expect(String(b![0])).toBe('https://api.test/b');
    expect(headersOf(b!).get('traceparent')).toBe('ours');
  });

  it('adds the headers to a Request without losing its method, body or headers', async () => {
    const { started, handler } = recorder();
    patch(() => handler);
    const request = new Request('https://api.test/r', {
      method: 'POST',
      body: 'the body',
      headers: { 'x-app': '1' },
      referrerPolicy: 'no-referrer',
    });
    await fetch(request);
    expect(started[0]).toMatchObject({ method: 'POST', url: 'https://api.test/r' });
    const [args] = sent;
    expect(args![0]).toBe(request);
    // the app's Request is left as it was
    expect(request.headers.has('traceparent')).toBe(false);
    const out = new Request(...args!);
    expect(out.method).toBe('POST');
    expect(out.referrerPolicy).toBe('no-referrer');
    expect(await out.text()).toBe('the body');
    expect(Object.fromEntries(out.headers)).toMatchObject({ 'x-app': '1', traceparent: 'ours' });
  });

  it("uses init's headers with a Request, as fetch does (they replace the Request's)", async () => {
    const { handler } = recorder();
    patch(() => handler);
    const request = new Request('https://api.test/r', { headers: { 'x-request': '1' } });
    await fetch(request, { headers: [['x-init', '2']] });
    const headers = headersOf(sent[0]!);
    expect(headers.get('x-init')).toBe('2');
    expect(headers.has('x-request')).toBe(false);
    expect(headers.get('traceparent')).toBe('ours');
  });

  it.each([
    ['a Headers object', () => new Headers({ TraceParent: 'theirs' })],
    ['an array', () => [['TRACEPARENT', 'theirs']] as [string, string][]],
    ['a record', () => ({ traceparent: 'theirs' })],
  ])('never replaces a header the app set in %s', async (_, make) => {
    const { handler } = recorder();
    patch(() => handler);
    const headers = make();
    await fetch('https://api.test/', { headers });
    expect(headersOf(sent[0]!).get('traceparent')).toBe('theirs');
    // nothing added: the app's arguments went out as they were
    expect(sent[0]![1]!.headers).toBe(headers);
  });

  it("never replaces a Request's own header", async () => {
    const { handler } = recorder();
    patch(() => handler);
    const request = new Request('https://api.test/', { headers: { traceparent: 'theirs' } });
    await fetch(request);
    expect(sent[0]).toEqual([request]);
  });

  it('sends the arguments untouched when nothing is traced or no header is added', async () => {
    let current: HttpHandler | undefined = undefined;
    patch(() => current);
    const init = { headers: { a: 'b' } };
    await fetch('https://api.test/', init);
    current = { start: () => ({ end() {} }) };
    await fetch('https://api.test/', init);
    expect(sent).toEqual([
      ['https://api.test/', init],
      ['https://api.test/', init],
    ]);
    expect(sent[1]![1]).toBe(init);
  });

  it('swallows every handler failure: the request goes out once and its result reaches the app', async () => {
    const failures: (() => HttpHandler | undefined)[] = [
      () => {
        throw new Error('handler()');
      },
      () => ({
        start() {
          throw new Error('start');
        },
      }),
      () => ({
        start: () => ({
          headers: { traceparent: 'ours' },
          end() {
            throw new Error('end');
          },
        }),
      }),
      () => ({
        start: () => ({
          end() {},
          run() {
            throw new Error('run, before the call');
          },
        }),
      }),
      () => ({
        start: () => ({
          end() {},
          run(call) {
            call();
            throw new Error('run, after the call');
          },
        }),
      }),
    ];
    for (const failure of failures) {
      const stop = patch(failure);
      sent = [];
      const res = await fetch('https://api.test/');
      expect(res.status).toBe(200);
      expect(sent).toHaveLength(1);
      stop();
    }
  });

  it('runs the request inside run()', async () => {
    const order: string[] = [];
    patch(() => ({
      start: () => ({
        end: () => order.push('end'),
        run(call) {
          order.push('run');
          const result = call();
          order.push('ran');
          return result;
        },
      }),
    }));
    reply = () => {
      order.push('request');
      return Promise.resolve(new Response(null));
    };
    await fetch('https://api.test/');
    expect(order).toEqual(['run', 'request', 'ran', 'end']);
  });

  it('reports a network error and an abort, and rejects as fetch did', async () => {
    const { ended, handler } = recorder();
    patch(() => handler);
    reply = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetch('https://api.test/')).rejects.toThrow('Failed to fetch');
    const controller = new AbortController();
    controller.abort();
    reply = () => Promise.reject(new DOMException('aborted', 'AbortError'));
    await expect(fetch('https://api.test/', { signal: controller.signal })).rejects.toThrow(
      'aborted',
    );
    expect(ended.map(({ status, aborted }) => ({ status, aborted }))).toEqual([
      { status: 0, aborted: false },
      { status: 0, aborted: true },
    ]);
  });

  it('ends the call when the wrapped fetch throws synchronously', () => {
    const { ended, handler } = recorder();
    patch(() => handler);
    reply = () => {
      throw new TypeError('sync');
    };
    expect(() => fetch('https://api.test/')).toThrow('sync');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.status).toBe(0);
  });

  it('passes on what the request throws inside run(), and sends it once', () => {
    patch(() => ({ start: () => ({ end() {}, run: (call) => call() }) }));
    reply = () => {
      throw new TypeError('sync');
    };
    expect(() => fetch('https://api.test/')).toThrow('sync');
    expect(sent).toHaveLength(1);
  });

  it('passes an error status through', async () => {
    const { ended, handler } = recorder();
    patch(() => handler);
    reply = () => Promise.resolve(new Response('no', { status: 503 }));
    expect((await fetch('https://api.test/')).status).toBe(503);
    expect(ended[0]).toMatchObject({ status: 503, serverTiming: null, aborted: false });
  });

  it('looks like fetch', () => {
    patch(() => undefined);
    expect(fetch).not.toBe(fakeFetch);
    expect(fetch.name).toBe(fakeFetch.name);
    expect(fetch.length).toBe(fakeFetch.length);
  });
});

describe('restore and coexistence', () => {
  it('restores fetch and XHR on stop when ours is the outermost wrapper', () => {
    const open = FakeXhr.prototype.open;
    const stop = patchHttp(() => recorder().handler);
    expect(g.fetch).not.toBe(fakeFetch);
    expect(FakeXhr.prototype.open).not.toBe(open);
    stop();
    expect(g.fetch).toBe(fakeFetch);
    expect(FakeXhr.prototype.open).toBe(open);
  });

  it('becomes a pass-through under a wrapper added after it', async () => {
    const { started, handler } = recorder();
    const stop = patchHttp(() => handler);
    const ours = g.fetch;
    const theirs = (...args: FetchArgs) => ours(...args);
    g.fetch = theirs;
    stop();
    expect(g.fetch).toBe(theirs);
    await fetch('https://api.test/');
    expect(started).toHaveLength(0);
    expect(sent).toEqual([['https://api.test/']]);
  });

  it('gives an inner wrapper our headers, and keeps an outer wrapper’s', async () => {
    // an instrumentation patched before us (inner) sees our header; one after us (outer) that
    // sets its own keeps it
    const seenInside: (string | null)[] = [];
    const inner = g.fetch;
    g.fetch = (...args: FetchArgs) => {
      seenInside.push(headersOf(args).get('traceparent'));
      return inner(...args);
    };
    patch(() => recorder().handler);
    const ours = g.fetch;
    await fetch('https://api.test/');
    g.fetch = (input, init) =>
      ours(input, { ...init, headers: { ...init?.headers, traceparent: 'outer' } });
    await fetch('https://api.test/');
    expect(seenInside).toEqual(['ours', 'outer']);
  });
});

describe('XMLHttpRequest', () => {
  const traced = () => {
    const r = recorder();
    patch(() => r.handler);
    return r;
  };

  it('adds the headers after open, before send, and reports the response on loadend', () => {
    const { started, ended } = traced();
    const xhr = new FakeXhr();
    xhr.open('GET', 'https://api.test/x');
    xhr.setRequestHeader('x-app', '1');
    expect(xhr.headers).toEqual({ 'x-app': '1' });
    xhr.send();
    expect(xhr.headers).toEqual({ 'x-app': '1', traceparent: 'ours' });
    expect(started).toEqual([
      { kind: 'xhr', method: 'GET', url: 'https://api.test/x', startTime: expect.any(Number) },
    ]);
    expect(ended).toHaveLength(0);
    xhr.respond(201, 'traceparent;desc="x"');
    expect(ended).toEqual([
      {
        status: 201,
        serverTiming: 'traceparent;desc="x"',
        aborted: false,
        endTime: expect.any(Number),
      },
    ]);
  });

  it("never replaces the app's header", () => {
    traced();
    const xhr = new FakeXhr();
    xhr.open('GET', 'https://api.test/x');
    xhr.setRequestHeader('TraceParent', 'theirs');
    xhr.send();
    expect(xhr.headers).toEqual({ traceparent: 'theirs' });
  });

  it('reports abort, network error and a re-open in flight', () => {
    const { ended } = traced();
    const xhr = new FakeXhr();
    xhr.open('GET', 'https://api.test/1');
    xhr.send();
    xhr.abort();
    xhr.open('GET', 'https://api.test/2');
    xhr.send();
    xhr.fail();
    xhr.open('GET', 'https://api.test/3');
    xhr.send();
    // open() again terminates the request without an event
    xhr.open('GET', 'https://api.test/4');
    expect(ended.map(({ status, aborted }) => ({ status, aborted }))).toEqual([
      { status: 0, aborted: true },
      { status: 0, aborted: false },
      { status: 0, aborted: true },
    ]);
    // every call's listeners are gone
    expect(xhr.listenerCount()).toBe(0);
  });

  it('ends a synchronous request when send() returns, and a send() that throws', () => {
    const { ended } = traced();
    const sync = new FakeXhr();
    sync.open('GET', 'https://api.test/sync', false);
    sync.respondOnSend = 200;
    sync.send();
    expect(ended.map((e) => e.status)).toEqual([200]);
    const broken = new FakeXhr();
    broken.open('GET', 'https://api.test/');
    broken.send();
    expect(() => broken.send()).toThrow('InvalidStateError');
    expect(ended.map((e) => e.status)).toEqual([200, 0]);
    broken.respond(200);
    expect(ended.map((e) => e.status)).toEqual([200, 0, 200]);
  });

  it('lets the request through untraced when the handler fails or declines', () => {
    patch(() => ({
      start() {
        throw new Error('start');
      },
    }));
    const xhr = new FakeXhr();
    xhr.open('GET', 'https://api.test/');
    xhr.send();
    expect(xhr.sent).toBe(true);
    expect(xhr.headers).toEqual({});
  });

  it('is a pass-through after stop', () => {
    const { started, handler } = recorder();
    const stop = patchHttp(() => handler);
    const ours = FakeXhr.prototype.send;
    FakeXhr.prototype.send = function (this: FakeXhr) {
      ours.call(this);
    };
    stop();
    const xhr = new FakeXhr();
    xhr.open('GET', 'https://api.test/');
    xhr.send();
    expect(started).toHaveLength(0);
    expect(xhr.headers).toEqual({});
    FakeXhr.prototype.send = send;
  });
});

/** Just enough of XMLHttpRequest: state checks, header merging, events. */
class FakeXhr extends EventTarget {
  status = 0;
  headers: Record<string, string> = {};
  sent = false;
  opened = false;
  respondOnSend?: number;
  private responseHeaders: Record<string, string> = {};
  private listeners = 0;
  open(_method: string, _url: string, _async = true): void {
    this.opened = true;
    this.sent = false;
    this.status = 0;
    this.headers = {};
  }
  setRequestHeader(name: string, value: string): void {
    if (!this.opened || this.sent) throw new Error('InvalidStateError');
    const key = name.toLowerCase();
    this.headers[key] = this.headers[key] ? `${this.headers[key]}, ${value}` : value;
  }
  send(): void {
    if (!this.opened || this.sent) throw new Error('InvalidStateError');
    this.sent = true;
    // a synchronous request: no need for events, the caller reads the result after send()
    if (this.respondOnSend) this.status = this.respondOnSend;
  }
  getResponseHeader(name: string): string | null {
    return this.responseHeaders[name.toLowerCase()] ?? null;
  }
  respond(status: number, serverTiming?: string): void {
    this.status = status;
    if (serverTiming) this.responseHeaders['server-timing'] = serverTiming;
    this.finish('load');
  }
  fail(): void {
    this.finish('error');
  }
  abort(): void {
    this.finish('abort');
  }
  private finish(type: string): void {
    this.sent = false;
    this.dispatchEvent(new Event(type));
    this.dispatchEvent(new Event('loadend'));
  }
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
  listenerCount(): number {
    return this.listeners;
  }
}
const send = FakeXhr.prototype.send;
