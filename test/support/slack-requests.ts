import { createHmac } from 'node:crypto';
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
}

export function blockActionsBody(click: ButtonClick): string {
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
    container: {
      type: 'message',
      message_ts: click.messageTs,
      channel_id: click.channelId ?? 'C0DISK',
      is_ephemeral: false,
    },
    trigger_id: click.triggerId ?? '123.456.ghijk',
    team: { id: 'T0FAKE', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channelId ?? 'C0DISK', name: 'ops' },
    message: { type: 'message', user: 'U0BOT', bot_id: 'B0BOT', ts: click.messageTs, text: '', blocks: [] },
    state: { values: {} },
    response_url: click.responseUrl,
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
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
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
  };
}
