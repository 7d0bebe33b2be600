import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';

/** Slack's v0 request signature over the exact bytes sent. */
export function signSlackBody(
  signingSecret: string,
  rawBody: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SlashCommandFields {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
}

export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: fields.channelId ?? 'C0DISK',
    channel_name: 'ops',
    user_id: fields.userId ?? 'U0ALICE',
    user_name: fields.userName ?? 'alice',
    command: '/disk',
    text: fields.text,
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? '123.456.abcdef',
  }).toString();
}

export interface ButtonClick {
  userId: string;
  actionId: string;
  value: string;
  blockId?: string;
  channelId?: string;
  messageTs: string;
  responseUrl: string;
  triggerId?: string;
  /** A click in App Home: the container is the Home view, and Slack sends no channel or response_url. */
  fromHome?: boolean;
}

export function blockActionsBody(click: ButtonClick): string {
  const where = click.fromHome
    ? { container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home' } }
    : {
        container: {
          type: 'message',
          message_ts: click.messageTs,
          channel_id: click.channelId ?? 'C0DISK',
          is_ephemeral: false,
        },
        channel: { id: click.channelId ?? 'C0DISK', name: 'ops' },
        message: {
          type: 'message',
          user: 'U0BOT',
          bot_id: 'B0BOT',
          ts: click.messageTs,
          text: '',
          blocks: [],
        },
        response_url: click.responseUrl,
      };
  const payload = {
    type: 'block_actions',
    user: {
      id: click.userId,
      username: click.userId.toLowerCase(),
      name: click.userId.toLowerCase(),
      team_id: 'T0FAKE',
    },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    ...where,
    trigger_id: click.triggerId ?? '123.456.ghijk',
    team: { id: 'T0FAKE', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: click.blockId ?? 'actions',
        text: { type: 'plain_text', text: click.actionId, emoji: true },
        value: click.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** POSTs with the content type exactly as Slack sends it (Bolt rejects any `; charset=` suffix). */
export function postToSlackEndpoint(
  url: string,
  rawBody: string,
  headers: Record<string, string>,
  contentType = 'application/x-www-form-urlencoded',
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(rawBody),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(rawBody);
  });
}

export function viewSubmissionBody(input: {
  userId: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, Record<string, unknown>>>;
}): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0FAKE', domain: 'fake' },
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: 'T0FAKE',
    },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    trigger_id: '123.456.view',
    view: {
      // Slack gives every modal its own id; the bot answers a submission once per view.
      id: `V${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`,
      team_id: 'T0FAKE',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values: input.values },
      hash: 'h',
      blocks: [],
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** What Slack sends when an external select in a modal needs options (`block_suggestion`). */
export function blockSuggestionBody(input: {
  userId: string;
  actionId: string;
  blockId: string;
  value: string;
  callbackId: string;
  privateMetadata: string;
}): string {
  const payload = {
    type: 'block_suggestion',
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: 'T0FAKE',
    },
    container: { type: 'view', view_id: 'V0FAKE' },
    api_app_id: 'A0FAKE',
    token: 'legacy-verification-token',
    action_id: input.actionId,
    block_id: input.blockId,
    value: input.value,
    team: { id: 'T0FAKE', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'V0FAKE',
      team_id: 'T0FAKE',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      state: { values: {} },
      hash: 'h',
      blocks: [],
    },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function eventCallbackBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T0FAKE',
    api_app_id: 'A0FAKE',
    type: 'event_callback',
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0FAKE', user_id: 'U0BOT', is_bot: true }],
    event,
  });
}

/** A client that signs every request with the app's signing secret. */
export function signedSlackClient(endpoint: string, signingSecret: string) {
  return {
    send(rawBody: string, timestamp?: number) {
      return postToSlackEndpoint(endpoint, rawBody, signSlackBody(signingSecret, rawBody, timestamp));
    },
    command(fields: SlashCommandFields) {
      return this.send(slashCommandBody(fields));
    },
    click(click: ButtonClick) {
      return this.send(blockActionsBody(click));
    },
    submitView(input: Parameters<typeof viewSubmissionBody>[0]) {
      return this.send(viewSubmissionBody(input));
    },
    suggest(input: Parameters<typeof blockSuggestionBody>[0]) {
      return this.send(blockSuggestionBody(input));
    },
    event(event: Record<string, unknown>) {
      const raw = eventCallbackBody(event);
      return postToSlackEndpoint(endpoint, raw, signSlackBody(signingSecret, raw), 'application/json');
    },
  };
}
