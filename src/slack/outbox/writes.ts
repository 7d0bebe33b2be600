import type { KnownBlock, View } from '@slack/types';
import type { CardRef } from '../../workflow/request.js';
import { REFUSED_PAYLOAD } from '../slack-error.js';
import { gateOf } from './pacing.js';

/** A message body as Slack takes it. */
export interface MessageBody {
  readonly text: string;
  readonly blocks?: KnownBlock[];
}

/**
 * A Slack write the bot owes, as stored in the outbox. `card` is the latest state of a request's
 * approval card: posted once, then edited in place; a `thread` post goes under that card, so it
 * waits until the card is up.
 */
export type OutboxWrite =
  | {
      readonly kind: 'card';
      readonly requestId: string;
      /** Where the card is posted when it is not up yet. */
      readonly channel: string;
      readonly message: MessageBody;
      /** Sent instead when Slack refuses `message` itself (the plain card). */
      readonly fallback?: MessageBody;
    }
  | {
      readonly kind: 'post';
      readonly channel: string;
      readonly message: MessageBody;
    }
  | {
      readonly kind: 'thread';
      readonly requestId: string;
      readonly message: MessageBody;
      readonly broadcast?: boolean;
    }
  | {
      /** A new state of a message already posted, whose coordinates are known (an alert ended). */
      readonly kind: 'edit';
      readonly channel: string;
      readonly ts: string;
      readonly message: MessageBody;
    }
  | {
      readonly kind: 'ephemeral';
      readonly channel: string;
      readonly user: string;
      readonly message: MessageBody;
    }
  | { readonly kind: 'home'; readonly user: string; readonly view: View };

/** One Web API call a write becomes right now (a card is posted or edited, depending). */
export interface SlackCall {
  readonly method: string;
  readonly gate: string;
  readonly args: Record<string, unknown>;
  /** The same call with the fallback body, for a payload Slack refuses. */
  readonly fallbackArgs?: Record<string, unknown>;
  /** A card not posted yet: its ts must be recorded once Slack accepts it. */
  readonly postsCard?: string;
}

/** An outbox id part built from a Slack id or a word; anything else becomes `_`. */
export const idPart = (value: string | number) => String(value).replace(/[^A-Za-z0-9_.-]/g, '_');

/** The outbox id of a request's card: one entry per request, whatever state it shows. */
export function cardEntryId(requestId: string): string {
  return `card:${idPart(requestId)}`;
}

/** Where a request's card is: `null` not posted yet, `undefined` the request does not exist. */
export type CardLookup = (requestId: string) => Promise<CardRef | null | undefined>;

/** What to send for `write` now; `wait` until its card is up, `drop` when it can never be sent. */
export async function callFor(write: OutboxWrite, cardOf: CardLookup): Promise<SlackCall | 'wait' | 'drop'> {
  switch (write.kind) {
    case 'card': {
      const card = await cardOf(write.requestId);
      if (card === undefined) return 'drop';
      if (card === null) {
        const post = (m: MessageBody) => ({ channel: write.channel, ...m });
        return {
          method: 'chat.postMessage',
          gate: gateOf('chat.postMessage', write.channel),
          args: post(write.message),
          ...(write.fallback ? { fallbackArgs: post(write.fallback) } : {}),
          postsCard: write.requestId,
        };
      }
      const edit = (m: MessageBody) => ({ channel: card.channelId, ts: card.ts, ...m });
      return {
        method: 'chat.update',
        gate: gateOf('chat.update', card.channelId),
        args: edit(write.message),
        ...(write.fallback ? { fallbackArgs: edit(write.fallback) } : {}),
      };
    }
    case 'thread': {
      const card = await cardOf(write.requestId);
      if (card === undefined) return 'drop';
      if (card === null) return 'wait';
      return {
        method: 'chat.postMessage',
        gate: gateOf('chat.postMessage', card.channelId),
        args: {
          channel: card.channelId,
          thread_ts: card.ts,
          ...write.message,
          reply_broadcast: write.broadcast ?? false,
        },
      };
    }
    case 'post':
      return {
        method: 'chat.postMessage',
        gate: gateOf('chat.postMessage', write.channel),
        args: { channel: write.channel, ...write.message },
      };
    case 'edit':
      return {
        method: 'chat.update',
        gate: gateOf('chat.update', write.channel),
        args: { channel: write.channel, ts: write.ts, ...write.message },
      };
    case 'ephemeral':
      return {
        method: 'chat.postEphemeral',
        gate: gateOf('chat.postEphemeral', write.channel),
        args: { channel: write.channel, user: write.user, ...write.message },
      };
    case 'home':
      return {
        method: 'views.publish',
        gate: 'views.publish',
        args: { user_id: write.user, view: write.view },
      };
  }
}

/** How a failed attempt is handled; Slack's word decides, never a guess. */
export type Failure =
  | { readonly kind: 'rate_limited'; readonly retryAfterSec: number }
  | { readonly kind: 'transient'; readonly code: string }
  | { readonly kind: 'refused_payload'; readonly code: string }
  | { readonly kind: 'permanent'; readonly code: string };

/** Slack's own errors that say "try again later" rather than "this will never work". */
const TRANSIENT_PLATFORM = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

export function classify(error: unknown): Failure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    retryAfter?: unknown;
    statusCode?: unknown;
    data?: { error?: unknown };
  };
  if (e.code === 'slack_webapi_rate_limited_error')
    return { kind: 'rate_limited', retryAfterSec: typeof e.retryAfter === 'number' ? e.retryAfter : 1 };
  if (e.code === 'slack_webapi_http_error') {
    const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
    return status >= 500 || status === 408
      ? { kind: 'transient', code: `http_${status}` }
      : { kind: 'permanent', code: `http_${status}` };
  }
  if (e.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string') {
    const code = e.data.error;
    if (REFUSED_PAYLOAD.has(code)) return { kind: 'refused_payload', code };
    return TRANSIENT_PLATFORM.has(code) ? { kind: 'transient', code } : { kind: 'permanent', code };
  }
  // Network failures, timeouts, anything the client could not even send.
  return { kind: 'transient', code: typeof e.code === 'string' ? e.code : 'network_error' };
}
