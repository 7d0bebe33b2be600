/**
 * Post-incident review items and incident entries on Redis. Keys share the workflow's `{wf}` slot
 * so each script appends to the audit stream atomically with its change:
 *   <prefix>{wf}:review:<requestId>    hash  state (open|acknowledged), body JSON, openedAt, ackBy, ackAt
 *   <prefix>{wf}:idx:reviews:open      zset  open reviews, score openedAt
 * (`keys.ts` owns `<prefix>{wf}:audit`; the review keys live here, next to their only user.)
 */
import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '../commands/index.js';
import { CodedError } from '../errors.js';
import type { StoreResult } from '../workflow/ports.js';
import type { IncidentLog, NewReview, ReviewItem, ReviewStore } from '../workflow/reviews.js';
import { refusalFor } from './codes.js';
import { DEFAULT_KEY_PREFIX, workflowKeys } from './keys.js';
import type { ScriptDefinition } from './lua/prelude.js';
import { acknowledgeReview, openReview, recordIncident } from './lua/reviews.js';
import { commandName, type RedisLike } from './scripts.js';

const REVIEW_SCRIPTS = { openReview, acknowledgeReview, recordIncident } as const;
type ReviewScriptName = keyof typeof REVIEW_SCRIPTS;
type ScriptHost = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

const bodySchema = z.object({
  diskId: z.string(),
  summary: z.string(),
  reason: z.string(),
  requesterId: z.string(),
  channelId: z.string(),
});
const hashSchema = z.object({
  state: z.enum(['open', 'acknowledged']),
  body: z.string(),
  openedAt: z.coerce.number(),
  ackBy: z.string().optional(),
  ackAt: z.coerce.number().optional(),
});

export class RedisReviewStore implements ReviewStore, IncidentLog {
  private readonly base: string;
  private readonly audit: string;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    const keys = workflowKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.audit = keys.audit;
    this.base = keys.audit.slice(0, -'audit'.length);
    const host = redis as unknown as ScriptHost;
    for (const script of Object.values(REVIEW_SCRIPTS) as ScriptDefinition[]) {
      if (typeof host[commandName(script)] !== 'function')
        redis.defineCommand(commandName(script), { numberOfKeys: script.numberOfKeys, lua: script.lua });
    }
  }

  private key(requestId: string): string {
    if (!REQUEST_ID_PATTERN.test(requestId)) throw new TypeError(`not a request id: ${requestId}`);
    return `${this.base}review:${requestId}`;
  }

  private get openIndex(): string {
    return `${this.base}idx:reviews:open`;
  }

  private async run(name: ReviewScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const command = (this.redis as unknown as ScriptHost)[commandName(REVIEW_SCRIPTS[name])];
    if (!command) throw new CodedError('store_protocol_error', `${name} is not registered`);
    try {
      return await command.call(this.redis, ...keys, ...args);
    } catch (error) {
      throw new CodedError('store_unavailable', `Redis script ${name} failed: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }

  async open(item: NewReview, at: number, actor: string): Promise<{ opened: boolean; item: ReviewItem }> {
    const { requestId, ...body } = item;
    const reply = await this.run(
      'openReview',
      [this.key(requestId), this.openIndex, this.audit],
      [requestId, JSON.stringify(body), at, actor],
    );
    const stored = await this.get(requestId);
    if (!stored) throw new CodedError('store_corrupt', `review ${requestId} vanished after openReview`);
    return { opened: reply === 1, item: stored };
  }

  async acknowledge(
    requestId: string,
    input: { userId: string; at: number },
  ): Promise<StoreResult<ReviewItem>> {
    const reply = await this.run(
      'acknowledgeReview',
      [this.key(requestId), this.openIndex, this.audit],
      [requestId, input.userId, input.at],
    );
    if (typeof reply === 'number' && reply < 0) return refusalFor(reply, 'acknowledgeReview');
    const stored = await this.get(requestId);
    if (!stored)
      throw new CodedError('store_corrupt', `review ${requestId} vanished after acknowledgeReview`);
    return { ok: true, value: stored };
  }

  async get(requestId: string): Promise<ReviewItem | undefined> {
    const fields = await this.redis.hgetall(this.key(requestId));
    const hash = hashSchema.safeParse(fields);
    if (!hash.success) return undefined;
    let body: z.infer<typeof bodySchema>;
    try {
      const parsed = bodySchema.safeParse(JSON.parse(hash.data.body));
      if (!parsed.success) return undefined;
      body = parsed.data;
    } catch {
      return undefined;
    }
    const { state, openedAt, ackBy, ackAt } = hash.data;
    return {
      requestId,
      ...body,
      state,
      openedAt,
      ...(ackBy && ackAt !== undefined ? { acknowledged: { by: ackBy, at: ackAt } } : {}),
    };
  }

  async listOpen(limit: number): Promise<ReviewItem[]> {
    const ids = await this.redis.zrange(this.openIndex, '0', String(limit - 1));
    return (await Promise.all(ids.map((id) => this.get(id)))).flatMap((r) => r ?? []);
  }

  async record(input: {
    event: string;
    subject: string;
    actor: string;
    at: number;
    details: Record<string, unknown>;
  }) {
    await this.run(
      'recordIncident',
      [this.audit],
      [input.event, input.subject, input.actor, input.at, JSON.stringify(input.details)],
    );
  }
}
