import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves /metrics (Prometheus text), /health (the process is up) and /ready (every readiness check
 * passes: connected, assigned, not shutting down). Port 0 picks a free port.
 */
export async function startOpsServer(options: {
  port: number;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.url === '/metrics') {
          res.writeHead(200, { 'content-type': options.registry.contentType });
          res.end(await options.registry.metrics());
        } else if (req.url === '/health') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"status":"up"}');
        } else if (req.url === '/ready') {
          const results = Object.fromEntries(
            await Promise.all(
              Object.entries(options.readiness).map(async ([name, check]) => [name, await check()] as const),
            ),
          );
          const ready = Object.values(results).every(Boolean);
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: ready ? 'ready' : 'not-ready', checks: results }));
        } else {
          res.writeHead(404).end();
        }
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
