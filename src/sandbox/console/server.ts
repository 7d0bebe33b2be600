/**
 * The web console: one page that plays the Slack client for the sandbox. It serves the page and
 * its assets, a JSON API the page calls for what a person does (each call becomes a signed Slack
 * request through the platform), server-sent events that say "the workspace changed", and an admin
 * proxy to the emulator's `/_emulator/` API. Loopback only; requests from other origins or with a
 * foreign Host header are refused, so another web page can't drive it (CSRF, DNS rebinding).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { CHANNELS, SANDBOX_USERS, userById } from '../people.js';
import type { SlackPlatform } from '../platform.js';
import { readBody } from '../slack-api.js';
import { type SlackFaults, slackFaultsSchema } from '../slack-faults.js';
import type { WorkflowStepRuns } from '../workflow-steps.js';
import type { Workspace } from '../workspace.js';
import { consoleScript } from './bundle.js';
import { PAGE_CSS, PAGE_HTML } from './page.js';

export interface ConsoleOptions {
  readonly workspace: Workspace;
  readonly platform: SlackPlatform;
  /** The emulator's base URL; the admin panel talks to its `/_emulator/` API through this server. */
  readonly emulatorUrl: string;
  readonly port: number;
  /** "Run workflow step": starts a run of the bot's Workflow Builder step. */
  readonly steps: WorkflowStepRuns;
  /** The Slack stand-in's throttling and failures, set from the admin panel. */
  readonly slackFaults: SlackFaults;
}

export interface RunningConsole {
  readonly url: string;
  close(): Promise<void>;
}

const userId = z.string().refine((id) => userById(id) !== undefined, 'unknown sandbox user');
const channelId = z.enum(Object.values(CHANNELS).map((c) => c.id) as [string, ...string[]]);

const viewValues = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())));

const schemas = {
  command: z.object({ user: userId, channel: channelId, text: z.string().max(4000) }),
  message: z.object({ user: userId, channel: channelId, text: z.string().min(1).max(4000) }),
  action: z.object({
    user: userId,
    channel: channelId.optional(),
    ts: z.string().optional(),
    home: z.boolean().optional(),
    actionId: z.string().max(255),
    blockId: z.string().max(255),
    value: z.string().max(2000),
    text: z.string().max(200),
  }),
  submit: z.object({ user: userId, viewId: z.string(), values: viewValues }),
  suggest: z.object({
    user: userId,
    viewId: z.string(),
    actionId: z.string().max(255),
    blockId: z.string().max(255),
    value: z.string().max(2000),
    values: viewValues,
  }),
  user: z.object({ user: userId }),
  /** The step's inputs as Workflow Builder would pass them (blank optional fields left out). */
  workflowStep: z.object({
    user: userId,
    channel: channelId,
    inputs: z.object({
      action: z.string().max(40),
      disk: z.string().max(200),
      instances: z.string().max(2000).optional(),
      size_gib: z.number().int().optional(),
      zone: z.string().max(100).optional(),
      reason: z.string().max(1000),
      requester: userId,
    }),
  }),
  filesystem: z.object({
    instanceId: z.string().regex(/^i-[a-z0-9]+$/),
    diskId: z.string().regex(/^d-[a-z0-9]+$/),
    fstype: z.string().min(1).nullable().optional(),
    mountpoints: z.array(z.string()),
    readOnly: z.boolean(),
  }),
};

const assets = (script: string): Record<string, { type: string; body: string }> => ({
  '/': { type: 'text/html; charset=utf-8', body: PAGE_HTML },
  '/assets/console.css': { type: 'text/css; charset=utf-8', body: PAGE_CSS },
  '/assets/console.js': { type: 'text/javascript; charset=utf-8', body: script },
});

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const { workspace, platform } = options;
  const ASSETS = assets(await consoleScript());
  const streams = new Set<ServerResponse>();
  let origin = '';
  // The page may be opened as 127.0.0.1 or localhost; nothing else is this server.
  let hosts = new Set<string>();

  const admin = async (path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${options.emulatorUrl}/_emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, body: await response.json() };
  };

  const post = async (path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    const parse = <T>(schema: z.ZodType<T>): T | undefined => {
      const parsed = schema.safeParse(body);
      return parsed.success ? parsed.data : undefined;
    };
    const bad = { status: 400, body: { ok: false, error: 'invalid request' } };
    switch (path) {
      case '/api/command': {
        const input = parse(schemas.command);
        if (!input) return bad;
        await platform.command(input.user, input.channel, input.text.replace(/^\/disk\s*/, ''));
        return { status: 200, body: { ok: true } };
      }
      case '/api/message': {
        const input = parse(schemas.message);
        if (!input) return bad;
        workspace.post({ channel: input.channel, user: input.user, text: input.text });
        return { status: 200, body: { ok: true } };
      }
      case '/api/action': {
        const input = parse(schemas.action);
        if (!input) return bad;
        const where = input.home
          ? { home: true as const }
          : { channel: input.channel ?? '', ts: input.ts ?? '' };
        return { status: 200, body: await platform.click({ ...input, where }) };
      }
      case '/api/submit': {
        const input = parse(schemas.submit);
        if (!input) return bad;
        return { status: 200, body: await platform.submitView(input.user, input.viewId, input.values) };
      }
      case '/api/suggest': {
        const input = parse(schemas.suggest);
        if (!input) return bad;
        return { status: 200, body: await platform.suggest(input) };
      }
      case '/api/close': {
        const input = parse(schemas.user);
        if (!input) return bad;
        platform.closeView(input.user);
        return { status: 200, body: { ok: true } };
      }
      case '/api/home': {
        const input = parse(schemas.user);
        if (!input) return bad;
        return { status: 200, body: await platform.openHome(input.user) };
      }
      case '/api/workflow-step': {
        const input = parse(schemas.workflowStep);
        if (!input) return bad;
        return {
          status: 200,
          body: await platform.event(options.steps.start(input.user, input.channel, input.inputs)),
        };
      }
      case '/api/admin/faults':
        return admin('faults', body);
      case '/api/admin/slack-faults': {
        const input = parse(slackFaultsSchema);
        if (!input) return bad;
        options.slackFaults.set(input);
        return { status: 200, body: { ok: true, slackFaults: input } };
      }
      case '/api/admin/filesystem': {
        const input = parse(schemas.filesystem);
        if (!input) return bad;
        const { instanceId, diskId, ...fs } = input;
        return admin(`instances/${instanceId}/disks/${diskId}/filesystem`, fs);
      }
    }
    const verb = /^\/api\/admin\/instances\/(i-[a-z0-9]+)\/(crash|recover|stop|start)$/.exec(path);
    if (verb) return admin(`instances/${verb[1]}/${verb[2]}`, {});
    const stale = /^\/api\/admin\/instances\/(i-[a-z0-9]+)\/stale-size$/.exec(path);
    if (stale) {
      const input = parse(z.strictObject({ stale: z.boolean() }));
      return input ? admin(`instances/${stale[1]}/stale-size`, input) : bad;
    }
    return { status: 404, body: { ok: false, error: 'not found' } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    if (!hosts.has(req.headers.host ?? '')) return send(res, 421, { error: 'unexpected Host header' });
    if (req.method === 'GET') {
      const asset = ASSETS[url.pathname];
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
        res.end(asset.body);
        return;
      }
      if (url.pathname === '/api/bootstrap')
        return send(res, 200, { users: SANDBOX_USERS, channels: Object.values(CHANNELS) });
      if (url.pathname === '/api/state') {
        const user = url.searchParams.get('user') ?? '';
        if (!userById(user)) return send(res, 400, { error: 'unknown user' });
        return send(res, 200, workspace.snapshot(user));
      }
      if (url.pathname === '/api/admin/state') {
        const [state, faults] = await Promise.all([admin('state'), admin('faults')]);
        return send(res, 200, {
          ...(state.body as object),
          ...(faults.body as object),
          slackFaults: options.slackFaults.current,
        });
      }
      if (url.pathname === '/api/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(`retry: 1000\ndata: ${workspace.version}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      return send(res, 404, { error: 'not found' });
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
    if (!hosts.has(req.headers.origin?.replace(/^http:\/\//, '') ?? ''))
      return send(res, 403, { error: 'cross-origin request refused' });
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return send(res, 415, { error: 'send JSON' });
    const raw = await readBody(req);
    if (raw === undefined) return send(res, 413, { error: 'too large' });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
    const reply = await post(url.pathname, body);
    send(res, reply.status, reply.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });
  const unsubscribe = workspace.subscribe((version) => {
    for (const stream of streams) stream.write(`data: ${version}\n\n`);
  });
  // Proxies and idle timeouts close quiet streams; a comment line every 15 s keeps them open.
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        unsubscribe();
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
