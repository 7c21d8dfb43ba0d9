import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface DemoServer {
  web: string;
  api: string;
  stop(): Promise<void>;
}

/**
 * Starts the real demo server (`demo/server.cjs`: web + API, traced with the OpenTelemetry Node
 * SDK) as a child process on free 127.0.0.1 ports, exporting to `collector`.
 */
export async function startDemo(options: {
  collector: string;
  webRoot?: string;
  rumEndpoint?: string;
  /** A fixed web port (when the collector's CORS allow-list must name the origin up front). */
  webPort?: number;
}): Promise<DemoServer> {
  const webPort = String(options.webPort ?? 0);
  const args = [join(root, 'demo', 'server.cjs'), '--web-port', webPort, '--api-port', '0'];
  if (options.webRoot) args.push('--web-root', options.webRoot);
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DEMO_HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: options.collector,
      RUM_ENDPOINT: options.rumEndpoint ?? options.collector,
      OTEL_SERVICE_NAME: 'shop-api',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      DEMO_CHECKOUT_FAILURE_RATE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const ready = await new Promise<{ web: string; api: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`demo server did not start: ${stderr}`)),
      20_000,
    );
    child.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => reject(new Error(`demo server exited (${code}): ${stderr}`)));
  });
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
