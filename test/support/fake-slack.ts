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
  /** What the stand-in answered: the status, and Retry-After (s) on a 429. */
  answer?: { status: number; json?: unknown; retryAfterSec?: number };
}

/**
 * Slack's bad days, applied to writes (`chat.*` but getPermalink, `views.publish`): a share of
 * them answered 429 with `Retry-After`, a share 5xx, or all of them during an outage.
 */
export interface FakeFaults {
  readonly throttleRate?: number;
  readonly retryAfterSec?: number;
  readonly failRate?: number;
  readonly failStatus?: number;
  readonly outage?: boolean;
}

const isWrite = (method: string) =>
  (method.startsWith('chat.') && method !== 'chat.getPermalink') || method === 'views.publish';

/** Deterministic pseudo-random numbers (mulberry32), so a faulty run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The channel a write is paced by (posts) or none (every other method is paced as a whole). */
const gateOfCall = (call: RecordedCall) =>
  call.method === 'chat.postMessage' || call.method === 'chat.postEphemeral'
    ? `${call.method}:${String(call.body.channel)}`
    : call.method;

/**
 * Every write sent to a method+channel before the Retry-After of an earlier 429 there had
 * passed; `toleranceMs` absorbs the two clocks (the stand-in's receive time, the bot's send time).
 */
export function retryAfterViolations(calls: readonly RecordedCall[], toleranceMs = 50): string[] {
  const blockedUntil = new Map<string, number>();
  const out: string[] = [];
  for (const call of calls.filter((c) => c.kind === 'api' && isWrite(c.method))) {
    const gate = gateOfCall(call);
    const until = blockedUntil.get(gate);
    if (until !== undefined && call.at < until - toleranceMs)
      out.push(`${gate} at ${call.at.toFixed(0)} ms, ${(until - call.at).toFixed(0)} ms early`);
    if (call.answer?.status === 429)
      blockedUntil.set(gate, Math.max(until ?? 0, call.at + (call.answer.retryAfterSec ?? 0) * 1000));
  }
  return out;
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

function faultReply(faults: FakeFaults, random: () => number): FakeReply | undefined {
  const status = faults.failStatus ?? 500;
  if (faults.outage) return { status, json: { ok: false, error: 'service_unavailable' } };
  const roll = random();
  if (roll < (faults.throttleRate ?? 0))
    return {
      status: 429,
      headers: { 'retry-after': String(faults.retryAfterSec ?? 1) },
      json: { ok: false, error: 'ratelimited' },
    };
  if (roll < (faults.throttleRate ?? 0) + (faults.failRate ?? 0))
    return { status, json: { ok: false, error: 'internal_error' } };
  return undefined;
}

export interface FakeSlack {
  readonly apiUrl: string;
  readonly calls: RecordedCall[];
  responseUrl(id: string): string;
  apiCalls(method: string): RecordedCall[];
  on(method: string, handler: FakeHandler | undefined): void;
  /** Throttle or fail writes from now on; `undefined` heals. */
  faults(faults: FakeFaults | undefined, seed?: number): void;
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  reset(): void;
  close(): Promise<void>;
}

/** A local stand-in for slack.com: records every Web API call and every response_url post. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const handlers = new Map<string, FakeHandler>();
  let faults: FakeFaults | undefined;
  let random = seeded(1);
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
    const wake = () => {
      for (const waiter of [...waiters]) {
        if (waiter.predicate(call)) {
          waiters.delete(waiter);
          waiter.resolve(call);
        }
      }
    };
    if (!isApi) {
      wake();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const handler = handlers.get(call.method) ?? defaults[call.method] ?? (() => ({ json: { ok: true } }));
    // Like Slack, refuse a payload over a Block Kit limit, whatever the test's handler would say.
    const problems = limitProblems(call.method, body);
    const fault = faults && isWrite(call.method) ? faultReply(faults, random) : undefined;
    const reply: FakeReply = !call.auth
      ? { json: { ok: false, error: 'not_authed' } }
      : (fault ??
        (problems.length > 0
          ? { json: { ok: false, error: 'invalid_blocks', errors: problems } }
          : handler(body, call)));
    call.answer = {
      status: reply.status ?? 200,
      json: reply.json,
      ...(reply.status === 429 ? { retryAfterSec: Number(reply.headers?.['retry-after'] ?? 0) } : {}),
    };
    // Waiters see the call with its answer, so a test can wait for a write Slack accepted.
    wake();
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
    faults(next, seed = 1) {
      faults = next;
      random = seeded(seed);
    },
    on(method, handler) {
      if (handler) handlers.set(method, handler);
      else handlers.delete(method);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const seen = calls.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        // Cleared once answered: files share a process, and a timer left behind would outlive its file.
        const timer = setTimeout(() => {
          if (waiters.delete(waiter))
            reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          predicate,
          resolve: (call: RecordedCall) => {
            clearTimeout(timer);
            resolve(call);
          },
        };
        waiters.add(waiter);
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
