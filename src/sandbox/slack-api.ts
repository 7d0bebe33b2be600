/**
 * A local stand-in for slack.com as the bot sees it: `POST /api/<method>` with a form body whose
 * object fields (blocks, view) are JSON strings and a bearer token, answering `{ok, ...}` like Slack;
 * and `POST /response/<id>` for response_url posts (JSON). Only the methods the bot calls exist;
 * anything else gets Slack's own `unknown_method`, so a new call shows up as an error, not a no-op.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { blocksProblems, viewProblems } from '../slack/blocks/limits-check.js';
import type { Interactions, ResponseTarget } from './interactions.js';
import { BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, USERGROUPS, userById } from './people.js';
import type { SlackFaults } from './slack-faults.js';
import type { WorkflowStepRuns } from './workflow-steps.js';
import type { Json, Workspace } from './workspace.js';

/** Fields the Web API client sends JSON-encoded inside the form. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);
const MAX_BODY = 1024 * 1024;

type Args = Record<string, unknown>;
type Method = (args: Args) => Json;
type Checked<T> = { ok: true; value: T } | { ok: false; reply: Json };

export interface SlackApiStandIn {
  /** `http://127.0.0.1:PORT/api/`, the bot's `SLACK_API_URL`. */
  readonly apiUrl: string;
  responseUrl(id: string): string;
  close(): Promise<void>;
}

export interface SlackApiOptions {
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  readonly botToken: string;
  /** Where `chat.getPermalink` points: the console, which scrolls to the message. */
  readonly permalinkBase: () => string;
  /** Workflow Builder step runs: their completion methods and workflow tokens. */
  readonly steps?: WorkflowStepRuns;
  /** Throttling and failures set from Cloud admin. */
  readonly faults?: SlackFaults;
}

const fail = (error: string, extra: Json = {}): Json => ({ ok: false, error, ...extra });
/**
 * Slack's answer to a payload over a Block Kit limit: `invalid_blocks`, each problem with the
 * JSON pointer of the offending field, in `errors` and in `response_metadata.messages`.
 */
const invalidBlocks = (problems: string[]): Json =>
  fail('invalid_blocks', { errors: problems, response_metadata: { messages: problems } });
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const truthy = (value: unknown) => value === true || value === 'true' || value === '1';

export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function decodeForm(raw: string): Args | string {
  const out: Args = {};
  for (const [key, value] of Object.entries(parseQuery(raw))) {
    const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
    if (!JSON_FIELDS.has(key)) {
      out[key] = text;
      continue;
    }
    try {
      out[key] = JSON.parse(text);
    } catch {
      return `invalid_arguments: ${key} is not JSON`;
    }
  }
  return out;
}

function methods(options: SlackApiOptions): Record<string, Method> {
  const { workspace, interactions } = options;
  const knownChannel = (channel: string | undefined) =>
    channel !== undefined && workspace.channelIds.has(channel);
  const contentOf = (args: Args): Checked<{ text: string; blocks?: unknown[] }> => {
    const text = str(args.text) ?? '';
    if (!text && args.blocks === undefined) return { ok: false, reply: fail('no_text') };
    const problems = blocksProblems(args.blocks, 'message');
    if (problems.length > 0) return { ok: false, reply: invalidBlocks(problems) };
    const blocks = Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {};
    return { ok: true, value: { text: text.slice(0, 40_000), ...blocks } };
  };
  const viewOf = (args: Args, surface: 'modal' | 'home'): Checked<Json> => {
    const view = args.view;
    if (typeof view !== 'object' || view === null) return { ok: false, reply: fail('invalid_arguments') };
    const type = (view as Json).type;
    if (type !== surface)
      return { ok: false, reply: fail('invalid_arguments', { detail: `view.type must be ${surface}` }) };
    const problems = viewProblems(view);
    if (problems.length > 0) return { ok: false, reply: invalidBlocks(problems) };
    return { ok: true, value: view as Json };
  };
  const viewReply = (id: string, view: Json, hash: string): Json => ({
    ok: true,
    view: { ...view, id, team_id: TEAM_ID, hash, state: { values: {} }, bot_id: BOT_ID },
  });

  return {
    'auth.test': () => ({
      ok: true,
      url: 'http://sandbox.slack.localhost/',
      team: 'Sandbox',
      user: BOT_NAME,
      team_id: TEAM_ID,
      user_id: BOT_USER_ID,
      bot_id: BOT_ID,
    }),
    'chat.postMessage': (args) => {
      const channel = str(args.channel);
      if (!knownChannel(channel) || !channel) return fail('channel_not_found');
      const checked = contentOf(args);
      if (!checked.ok) return checked.reply;
      const content = checked.value;
      const threadTs = str(args.thread_ts);
      if (threadTs && !workspace.find(channel, threadTs)) return fail('thread_not_found');
      const message = workspace.post({
        channel,
        user: BOT_USER_ID,
        ...content,
        ...(threadTs ? { threadTs, replyBroadcast: truthy(args.reply_broadcast) } : {}),
      });
      return {
        ok: true,
        channel,
        ts: message.ts,
        message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ts: message.ts, ...content },
      };
    },
    'chat.update': (args) => {
      const channel = str(args.channel);
      if (!knownChannel(channel) || !channel) return fail('channel_not_found');
      const message = workspace.find(channel, str(args.ts) ?? '');
      // Ephemeral messages can only change through response_url (slack-conventions.md).
      if (!message || message.ephemeralFor) return fail('message_not_found');
      if (message.user !== BOT_USER_ID) return fail('cant_update_message');
      const checked = contentOf(args);
      if (!checked.ok) return checked.reply;
      const content = checked.value;
      workspace.update(message, content);
      return { ok: true, channel, ts: message.ts, text: content.text };
    },
    'chat.postEphemeral': (args) => {
      const channel = str(args.channel);
      if (!knownChannel(channel) || !channel) return fail('channel_not_found');
      const user = str(args.user);
      if (!user || !userById(user)) return fail('user_not_in_channel');
      const checked = contentOf(args);
      if (!checked.ok) return checked.reply;
      const content = checked.value;
      const message = workspace.post({ channel, user: BOT_USER_ID, ...content, ephemeralFor: user });
      return { ok: true, message_ts: message.ts };
    },
    'chat.getPermalink': (args) => {
      const channel = str(args.channel);
      const ts = str(args.message_ts) ?? '';
      if (!channel || !workspace.find(channel, ts)) return fail('message_not_found');
      return {
        ok: true,
        channel,
        permalink: `${options.permalinkBase()}/#${channel}/p${ts.replace('.', '')}`,
      };
    },
    'views.open': (args) => {
      const trigger = interactions.redeemTrigger(str(args.trigger_id) ?? '');
      if (!trigger.ok) return fail(trigger.error);
      const parsed = viewOf(args, 'modal');
      if (!parsed.ok) return parsed.reply;
      const open = workspace.openView(trigger.user, parsed.value);
      return viewReply(open.id, open.view, open.hash);
    },
    'views.update': (args) => {
      const open = workspace.findView(str(args.view_id) ?? '');
      if (!open) return fail('not_found');
      const hash = str(args.hash);
      if (hash && hash !== open.hash) return fail('hash_conflict');
      const parsed = viewOf(args, 'modal');
      if (!parsed.ok) return parsed.reply;
      const updated = workspace.updateView(open, parsed.value);
      return viewReply(updated.id, updated.view, updated.hash);
    },
    'views.publish': (args) => {
      const user = str(args.user_id);
      if (!user || !userById(user)) return fail('user_not_found');
      const parsed = viewOf(args, 'home');
      if (!parsed.ok) return parsed.reply;
      workspace.publishHome(user, parsed.value);
      return viewReply(`VHOME${user}`, parsed.value, 'home');
    },
    'usergroups.users.list': (args) => {
      const users = USERGROUPS[str(args.usergroup) ?? ''];
      return users ? { ok: true, users: [...users] } : fail('no_such_subteam');
    },
  };
}

/** A response_url post: replace, delete, or add a message, as Slack does for the source it came from. */
function respond(workspace: Workspace, target: ResponseTarget, body: Json): string | undefined {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
  const source = target.source;
  const publicSource =
    source.kind === 'message' && !source.ephemeral ? workspace.find(target.channel, source.ts) : undefined;
  const ownEphemeralTs = source.kind === 'message' && source.ephemeral ? source.ts : target.lastEphemeralTs;
  const ownEphemeral = ownEphemeralTs ? workspace.find(target.channel, ownEphemeralTs) : undefined;
  const original = publicSource ?? ownEphemeral;

  if (truthy(body.delete_original)) {
    if (original) workspace.remove(original);
    return undefined;
  }
  if (!text && !blocks) return 'no_text';
  if (blocksProblems(blocks, 'message').length > 0) return 'invalid_blocks';
  // A click's response_url replaces the clicked message unless told otherwise (Slack's default).
  const replace =
    body.replace_original === undefined ? source.kind === 'message' : truthy(body.replace_original);
  if (replace && original) {
    workspace.update(original, { text, blocks: blocks ?? [] }, false);
    return undefined;
  }
  const inChannel = body.response_type === 'in_channel';
  const posted = workspace.post({
    channel: target.channel,
    user: BOT_USER_ID,
    text,
    ...(blocks ? { blocks } : {}),
    ...(inChannel ? {} : { ephemeralFor: target.user }),
  });
  if (!inChannel) target.lastEphemeralTs = posted.ts;
  return undefined;
}

export async function startSlackApi(options: SlackApiOptions): Promise<SlackApiStandIn> {
  const table = { ...methods(options), ...options.steps?.methods() };
  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, json: Json, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(json);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(text);
    };
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const raw = req.method === 'POST' ? await readBody(req) : undefined;
    if (raw === undefined) return reply(req.method === 'POST' ? 413 : 405, fail('method_not_allowed'));

    if (path.startsWith('/response/')) {
      const used = options.interactions.use(path.slice('/response/'.length));
      if (!used.ok) return reply(404, fail(used.error));
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(400, fail('invalid_payload'));
      }
      if (typeof body !== 'object' || body === null) return reply(400, fail('invalid_payload'));
      const error = respond(options.workspace, used.target, body as Json);
      return error ? reply(400, fail(error)) : reply(200, { ok: true });
    }

    const method = table[path.replace(/^\/api\//, '')];
    if (!path.startsWith('/api/') || !method) return reply(200, fail('unknown_method'));
    const args = decodeForm(raw);
    if (typeof args === 'string') return reply(200, fail('invalid_arguments', { detail: args }));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? str(args.token);
    if (!bearer) return reply(200, fail('not_authed'));
    if (bearer !== options.botToken && !options.steps?.acceptsToken(bearer))
      return reply(200, fail('invalid_auth'));
    const fault = options.faults?.answer(path.slice('/api/'.length));
    if (fault) return reply(fault.status, fault.body, fault.headers);
    reply(200, method(args));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
