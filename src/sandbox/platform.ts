/**
 * Slack's side of the conversation: what Slack sends the bot when a person types `/disk …`, clicks a
 * button, submits a modal or opens App Home. Every request is built in Slack's exact shape, signed
 * with the app's signing secret (v0 HMAC over the exact bytes) and POSTed to the bot's real
 * `/slack/events` endpoint with Slack's exact content type; the bot's ack is then applied to the
 * workspace the way the Slack client would show it.
 */
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import type { Interactions, ResponseSource } from './interactions.js';
import { BOT_ID, BOT_USER_ID, CHANNELS, TEAM_ID, userById } from './people.js';
import { readSuggestions, type SuggestOutcome } from './suggestions.js';
import type { Json, OpenView, Workspace } from './workspace.js';

const APP_ID = 'A0DISKBOT';
const FORM = 'application/x-www-form-urlencoded';
/** Slack waits this long for an app's options before the menu gives up. */
export const SUGGEST_TIMEOUT_MS = 3_000;

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

export type ViewValues = Record<string, Record<string, Json>>;
export type SubmitOutcome =
  | { ok: true; closed: boolean; errors?: Record<string, string> }
  | { ok: false; error: string };

export interface PlatformOptions {
  readonly endpoint: string;
  readonly signingSecret: string;
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  readonly responseUrl: (id: string) => string;
}

/** Slack HTML-escapes these three in command text; the bot unescapes them. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack's user object in payloads: the handle is the first word of the display name, lower-cased. */
const userObject = (id: string) => {
  const handle = (userById(id)?.name ?? id).split(' ')[0]?.toLowerCase() ?? id;
  return { id, username: handle, name: handle, team_id: TEAM_ID };
};

const channelName = (id: string) =>
  Object.values(CHANNELS).find((c) => c.id === id)?.name ?? id.toLowerCase();

/** A modal as Slack puts it in `view_submission` and `block_suggestion` payloads. */
const viewPayload = (open: OpenView, values: ViewValues): Json => ({
  ...open.view,
  id: open.id,
  team_id: TEAM_ID,
  hash: open.hash,
  state: { values },
  root_view_id: open.id,
  app_id: APP_ID,
  bot_id: BOT_ID,
});

export class SlackPlatform {
  constructor(private readonly options: PlatformOptions) {}

  private sign(raw: string): Record<string, string> {
    const ts = String(Math.floor(Date.now() / 1000));
    const digest = createHmac('sha256', this.options.signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
    return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${digest}` };
  }

  /** Node's fetch would add `;charset=UTF-8` to a form body, which Bolt refuses: plain http keeps it exact. */
  private send(raw: string, contentType: string, timeoutMs?: number): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.options.endpoint,
        {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'content-length': Buffer.byteLength(raw),
            'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
            ...this.sign(raw),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      if (timeoutMs !== undefined)
        req.setTimeout(timeoutMs, () => req.destroy(new Error('operation_timeout')));
      req.end(raw);
    });
  }

  private responseUrlFor(user: string, channel: string, source: ResponseSource): { id: string; url: string } {
    const id = this.options.interactions.mintResponse({ user, channel, source });
    return { id, url: this.options.responseUrl(id) };
  }

  /** What Slack shows when an app fails to answer in time or answers with an error. */
  private slackbotError(channel: string, user: string, what: string, status: number): void {
    const reason = status === 404 || status === 0 ? 'operation_timeout' : `http_error (${status})`;
    this.options.workspace.post({
      channel,
      user: 'USLACKBOT',
      text: `${what} failed with the error "${reason}"`,
      ephemeralFor: user,
    });
  }

  async command(user: string, channel: string, text: string): Promise<void> {
    const response = this.responseUrlFor(user, channel, { kind: 'command' });
    const raw = new URLSearchParams({
      token: 'sandbox-verification-token',
      team_id: TEAM_ID,
      team_domain: 'sandbox',
      channel_id: channel,
      channel_name: channelName(channel),
      user_id: user,
      user_name: userObject(user).name,
      command: '/disk',
      text: slackEscape(text),
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: response.url,
      trigger_id: this.options.interactions.mintTrigger(user),
    }).toString();
    const reply = await this.send(raw, FORM).catch(() => ({ status: 0, contentType: '', text: '' }));
    if (reply.status !== 200) return this.slackbotError(channel, user, '/disk', reply.status);
    if (!reply.text) return;
    // The ack's body is the first reply; the response_url may replace it later.
    const body: Json = reply.contentType.includes('json')
      ? (JSON.parse(reply.text) as Json)
      : { text: reply.text };
    const inChannel = body.response_type === 'in_channel';
    const posted = this.options.workspace.post({
      channel,
      user: BOT_USER_ID,
      text: typeof body.text === 'string' ? body.text : '',
      ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
      ...(inChannel ? {} : { ephemeralFor: user }),
    });
    const target = this.options.interactions.target(response.id);
    if (target && !inChannel) target.lastEphemeralTs = posted.ts;
  }

  /** A button click on a message (`channel` + `ts`) or in the user's App Home (`home`). */
  async click(input: {
    user: string;
    where: { channel: string; ts: string } | { home: true };
    actionId: string;
    blockId: string;
    value: string;
    text: string;
  }): Promise<{ ok: boolean; error?: string }> {
    const { user, where } = input;
    let context: Json;
    if ('home' in where) {
      const id = `VHOME${user}`;
      context = { container: { type: 'view', view_id: id }, view: { id, type: 'home', team_id: TEAM_ID } };
    } else {
      const message = this.options.workspace.find(where.channel, where.ts);
      if (!message) return { ok: false, error: 'That message is gone.' };
      const ephemeral = message.ephemeralFor !== undefined;
      const response = this.responseUrlFor(user, where.channel, { kind: 'message', ts: where.ts, ephemeral });
      context = {
        container: {
          type: 'message',
          message_ts: where.ts,
          channel_id: where.channel,
          is_ephemeral: ephemeral,
        },
        channel: { id: where.channel, name: channelName(where.channel) },
        message: {
          type: 'message',
          user: message.user,
          ...(message.user === BOT_USER_ID ? { bot_id: BOT_ID } : {}),
          ts: message.ts,
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
        },
        response_url: response.url,
      };
    }
    const payload = {
      type: 'block_actions',
      user: userObject(user),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      ...context,
      trigger_id: this.options.interactions.mintTrigger(user),
      team: { id: TEAM_ID, domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      state: { values: {} },
      actions: [
        {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId,
          text: { type: 'plain_text', text: input.text, emoji: true },
          value: input.value,
          action_ts: (Date.now() / 1000).toFixed(6),
        },
      ],
    };
    const reply = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
    return reply.status === 200
      ? { ok: true }
      : { ok: false, error: `the app answered HTTP ${reply.status}` };
  }

  /** Submits the user's top modal; the ack decides: close, inline errors, update, or clear. */
  async submitView(user: string, viewId: string, values: ViewValues): Promise<SubmitOutcome> {
    const { workspace } = this.options;
    const open = workspace.findView(viewId);
    if (!open || open.user !== user) return { ok: false, error: 'This modal is not open any more.' };
    const payload = {
      type: 'view_submission',
      team: { id: TEAM_ID, domain: 'sandbox' },
      user: userObject(user),
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      trigger_id: this.options.interactions.mintTrigger(user),
      view: viewPayload(open, values),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const reply = await this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
    if (reply.status !== 200)
      return { ok: false, error: `We had some trouble connecting (HTTP ${reply.status}). Try again?` };
    const ack: Json =
      reply.text && reply.contentType.includes('json') ? (JSON.parse(reply.text) as Json) : {};
    switch (ack.response_action) {
      case 'errors':
        return { ok: true, closed: false, errors: (ack.errors ?? {}) as Record<string, string> };
      case 'update':
        workspace.updateView(open, (ack.view ?? open.view) as Json);
        return { ok: true, closed: false };
      case 'clear':
        workspace.closeView(user, true);
        return { ok: true, closed: true };
      default:
        workspace.closeView(user);
        return { ok: true, closed: true };
    }
  }

  /**
   * Typing in a modal's external select: Slack sends `block_suggestion` (no trigger_id, no
   * response_url) with what was typed and the view's current state, and waits 3 s for options.
   */
  async suggest(input: {
    user: string;
    viewId: string;
    actionId: string;
    blockId: string;
    value: string;
    values: ViewValues;
  }): Promise<SuggestOutcome> {
    const open = this.options.workspace.findView(input.viewId);
    if (!open || open.user !== input.user) return { ok: false, error: 'This modal is not open any more.' };
    const payload = {
      type: 'block_suggestion',
      user: userObject(input.user),
      container: { type: 'view', view_id: open.id },
      api_app_id: APP_ID,
      token: 'sandbox-verification-token',
      action_id: input.actionId,
      block_id: input.blockId,
      value: input.value,
      team: { id: TEAM_ID, domain: 'sandbox' },
      enterprise: null,
      is_enterprise_install: false,
      view: viewPayload(open, input.values),
    };
    const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const reply = await this.send(raw, FORM, SUGGEST_TIMEOUT_MS).catch(() => undefined);
    if (!reply) return { ok: false, error: 'the app did not answer within 3 s' };
    if (reply.status !== 200) return { ok: false, error: `the app answered HTTP ${reply.status}` };
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      return { ok: false, error: 'the app did not answer with JSON options' };
    }
    return readSuggestions(body);
  }

  /** The bot's modals don't ask for `notify_on_close`, so closing is the client's business only. */
  closeView(user: string): void {
    this.options.workspace.closeView(user);
  }

  /** Opening the Home tab: Slack sends `app_home_opened` as an Events API callback (JSON). */
  openHome(user: string): Promise<{ ok: boolean }> {
    return this.event({
      type: 'app_home_opened',
      user,
      channel: `D${user.slice(1)}`,
      tab: 'home',
      event_ts: (Date.now() / 1000).toFixed(6),
    });
  }

  /** An Events API callback (JSON), e.g. `function_executed` when a workflow runs the bot's step. */
  async event(event: Json): Promise<{ ok: boolean }> {
    const raw = JSON.stringify({
      token: 'sandbox-verification-token',
      team_id: TEAM_ID,
      api_app_id: APP_ID,
      type: 'event_callback',
      event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM_ID, user_id: BOT_USER_ID, is_bot: true }],
      event,
    });
    const reply = await this.send(raw, 'application/json');
    return { ok: reply.status === 200 };
  }
}
