import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An export request as it reached the collector: replayed byte for byte elsewhere. */
export interface RecordedExport {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A pass-through HTTP proxy on 127.0.0.1 standing in for a CDN in front of the collector: every
 * request (CORS preflights included) and every answer goes through unchanged, plus the
 * visitor's country header the CDN adds. The collector's own CORS handling is what the browser sees.
 * With `record`, every POST the collector accepted is kept there (headers as sent upstream).
 */
export async function startCdn(
  target: string,
  headers: Record<string, string>,
  record?: RecordedExport[],
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    if (record && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const sent: Record<string, string> = {};
        for (const k of [
          'content-type',
          'content-encoding',
          'cf-ipcountry',
          ...Object.keys(headers),
        ]) {
          const v = headers[k] ?? req.headers[k];
          if (typeof v === 'string') sent[k] = v;
        }
        const out = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            path: req.url,
            method: 'POST',
            headers: { ...req.headers, ...headers },
          },
          (answer) => {
            if (answer.statusCode === 200)
              record.push({ path: req.url ?? '/', headers: sent, body });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', () => res.destroy());
        out.end(body);
      });
      return;
    }
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, ...headers },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
