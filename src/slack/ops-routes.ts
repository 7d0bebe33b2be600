import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import type { Metrics } from '../metrics.js';

/** A dependency whose health decides readiness: Redis, the Slack identity, ... */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

const CHECK_TIMEOUT_MS = 1_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    const result = await Promise.race([check.check(), timeout]);
    return { name: check.name, ...result };
  } catch (error) {
    return { name: check.name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** `/healthz` (process alive), `/readyz` (every dependency answers), `/metrics` (Prometheus). */
export function opsRoutes(
  checks: readonly ReadinessCheck[],
  metrics: Pick<Metrics, 'exposition'>,
): Record<string, RouteHandler> {
  return {
    '/healthz': (_req, res) => sendJson(res, 200, { ok: true }),
    '/readyz': (_req, res) => {
      void Promise.all(checks.map(runCheck)).then((results) => {
        const ok = results.every((r) => r.ok);
        sendJson(res, ok ? 200 : 503, { ok, checks: results });
      });
    },
    '/metrics': (_req, res) => {
      void metrics.exposition().then(
        (text) => {
          res.writeHead(200, { 'content-type': Registry.PROMETHEUS_CONTENT_TYPE });
          res.end(text);
        },
        () => sendJson(res, 500, { ok: false }),
      );
    },
  };
}
