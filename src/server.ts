import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';

export interface HttpServer {
  express: Express;
  listen(port: number): Promise<number>;
  /** Stops taking connections and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * One Express app for every route. No global body parser: Bolt verifies Slack signatures over the
 * raw body of /slack/events, so JSON parsing is added only on the routes that need it.
 */
export function createHttpServer(options: { log: Logger; metrics: Metrics; ready: () => Promise<boolean> }): HttpServer {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await options.ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  let server: Server | undefined;
  return {
    express: app,
    listen(port) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, '0.0.0.0', (error?: Error) => {
          if (error) return reject(error);
          const address = s.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
        s.on('error', reject);
        server = s;
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
