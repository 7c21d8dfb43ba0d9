import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { cors, decodeTraces, listenLocal } from './receiver';

export type Fault = 'pass' | 'drop' | '503' | '429' | 'stall' | 'down';

export interface FaultProxy {
  url: string;
  /** Chooses the fault for each export request. */
  choose: () => Fault;
  /** Counts of what was done to export requests. */
  stats: Record<Fault, number>;
  /** Span ids in requests that never reached the receiver (dropped, 503, 429, down). */
  refusedSpanIds: Set<string>;
  /** Every span id the proxy saw, with what it did to each request carrying it. */
  seen: Map<string, Fault[]>;
  /** Span ids the proxy accepted but could not pass on (the test harness failing, not the SDK). */
  unforwardedSpanIds: Set<string>;

  /** The collector goes away: every request's connection is reset until `up()`. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

function spanIds(req: IncomingMessage, body: Buffer): string[] {
  try {
    const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    return decodeTraces(JSON.parse(raw.toString('utf8'))).map((s) => s.spanId);
  } catch {
    return [];
  }
}

/**
 * An HTTP proxy on 127.0.0.1 between the page and a receiver that injects the faults real
 * collectors show: dropped connections (before the request reaches the receiver), 503 and 429
 * with Retry-After, stalls, and going away entirely for a while.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let isDown = false;
  const proxy: FaultProxy = {
    url: '',
    choose: () => 'pass',
    stats: { pass: 0, drop: 0, '503': 0, '429': 0, stall: 0, down: 0 },
    refusedSpanIds: new Set(),
    unforwardedSpanIds: new Set(),
    seen: new Map(),

    down() {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up() {
      isDown = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
  /**
   * Passes a request on so that "accepted" means "answered": the client gets the receiver's
   * answer first, and the spans reach the receiver only once that answer has been written to a
   * live connection. A request whose client is gone is refused, never half-accepted.
   */
  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    refuse: () => void,
  ): void => {
    if (req.socket.destroyed || isDown) return refuse();
    res.on('finish', () => {
      // a fresh connection each time: a reused keep-alive socket the receiver is closing at that
      // instant would lose an accepted request
      const out = request({
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, connection: 'close' },
        agent: false,
      });
      out.on('error', () => {
        for (const id of spanIds(req, body)) proxy.unforwardedSpanIds.add(id);
      });
      out.end(body);
    });
    res.on('close', () => {
      if (!res.writableFinished) refuse();
    });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  };
  const server: Server = createServer((req, res) => {
    cors(req, res);
    if (req.headers.origin) res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    // preflights are answered even while "down", so every refused POST is seen and attributed
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = isDown ? 'down' : proxy.choose();
      proxy.stats[fault]++;
      const body = Buffer.concat(chunks);
      for (const id of spanIds(req, body))
        proxy.seen.set(id, [...(proxy.seen.get(id) ?? []), fault]);

      const refuse = (): void => {
        for (const id of spanIds(req, body)) proxy.refusedSpanIds.add(id);
      };
      if (fault !== 'pass' && fault !== 'stall') refuse();
      if (fault === 'drop' || fault === 'down') return void req.socket.destroy();
      if (fault === '503' || fault === '429') {
        res.writeHead(Number(fault), { 'Retry-After': '1' }).end();
        return;
      }
      if (fault === 'stall') {
        // A stalled request the browser gave up on (its tab closed, or the collector went away)
        // never reaches the collector: each request is either accepted and answered, or not
        // accepted at all. (Accepted-then-unanswered is the one fault no client can tell from a
        // refusal; only an idempotent receiver could make a retry of it safe.)
        setTimeout(() => forward(req, res, body, refuse), 2_000);
        return;
      }
      forward(req, res, body, refuse);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.url = await listenLocal(server);
  return proxy;
}
