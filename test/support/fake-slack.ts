import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { blocksProblems, viewProblems } from '../../src/slack/blocks/limits-check.js';

/** One recorded request to the stand-in: a Web API call or a POST to a response_url. */
export interface RecordedCall {
  readonly kind: 'api' | 'response_url';
  readonly method: string;
  readonly auth?: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type FakeHandler = (body: Record<string, unknown>, call: RecordedCall) => FakeReply;

/** Object-valued form fields (blocks, view, ...) arrive JSON-encoded inside the form body. */
function decodeForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parseQuery(raw))) {
    const text = Array.isArray(value) ? value.join(',') : (value ?? '');
    out[key] = /^[[{]/.test(text) ? safeJson(text) : text;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Slack's Block Kit limits, checked on every method that carries blocks or a view. */
function limitProblems(method: string, body: Record<string, unknown>): string[] {
  if (method.startsWith('chat.')) return blocksProblems(body.blocks, 'message');
  if (method.startsWith('views.')) return viewProblems(body.view);
  return [];
}

let tsCounter = 0;
const nextTs = () =>
  `${1_700_000_000 + Math.floor(Date.now() / 1000) - 1_700_000_000}.${String(++tsCounter).padStart(6, '0')}`;

const defaults: Record<string, FakeHandler> = {
  'auth.test': () => ({
    json: { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0FAKE', team: 'fake' },
  }),
  'chat.postMessage': (body) => ({
    json: {
      ok: true,
      channel: body.channel,
      ts: nextTs(),
      message: { text: body.text, blocks: body.blocks },
    },
  }),
  'chat.update': (body) => ({ json: { ok: true, channel: body.channel, ts: body.ts, text: body.text } }),
  'chat.postEphemeral': () => ({ json: { ok: true, message_ts: nextTs() } }),
  'chat.getPermalink': (body) => ({
    json: {
      ok: true,
      channel: body.channel,
      permalink: `https://fake.slack.com/archives/${body.channel}/p${body.message_ts}`,
    },
  }),
  'views.open': () => ({ json: { ok: true, view: { id: 'V0FAKE' } } }),
  'views.publish': () => ({ json: { ok: true, view: { id: 'V0HOME' } } }),
  'usergroups.users.list': () => ({ json: { ok: true, users: [] } }),
};

export interface FakeSlack {
  readonly apiUrl: string;
  readonly calls: RecordedCall[];
  responseUrl(id: string): string;
  apiCalls(method: string): RecordedCall[];
  on(method: string, handler: FakeHandler | undefined): void;
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  reset(): void;
  close(): Promise<void>;
}

/** A local stand-in for slack.com: records every Web API call and every response_url post. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const handlers = new Map<string, FakeHandler>();
  const waiters = new Set<{
    predicate: (call: RecordedCall) => boolean;
    resolve: (call: RecordedCall) => void;
  }>();

  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const isApi = path.startsWith('/api/');
    const body = (req.headers['content-type'] ?? '').includes('json')
      ? ((safeJson(raw) as Record<string, unknown>) ?? {})
      : decodeForm(raw);
    const call: RecordedCall = {
      kind: isApi ? 'api' : 'response_url',
      method: isApi ? path.slice('/api/'.length) : path,
      ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
      body,
      at: performance.now(),
    };
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
    if (!isApi) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const handler = handlers.get(call.method) ?? defaults[call.method] ?? (() => ({ json: { ok: true } }));
    // Like Slack, refuse a payload over a Block Kit limit, whatever the test's handler would say.
    const problems = limitProblems(call.method, body);
    const reply: FakeReply = !call.auth
      ? { json: { ok: false, error: 'not_authed' } }
      : problems.length > 0
        ? { json: { ok: false, error: 'invalid_blocks', errors: problems } }
        : handler(body, call);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      ...reply.headers,
    });
    res.end(JSON.stringify(reply.json ?? { ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    calls,
    responseUrl: (id) => `${base}/response/${id}`,
    apiCalls: (method) => calls.filter((c) => c.kind === 'api' && c.method === method),
    on(method, handler) {
      if (handler) handlers.set(method, handler);
      else handlers.delete(method);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter))
            reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms`));
        }, timeoutMs);
      });
    },
    reset() {
      calls.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
