import { CodedError } from '../errors.js';
import type {
  ApprovalTally,
  Page,
  RequestIndex,
  RequestStore,
  StoreRefusalCode,
  StoreResult,
} from '../workflow/ports.js';
import type { CardRef, DiskRequest } from '../workflow/request.js';
import type { FinishState } from '../workflow/state-machine.js';
import { refusalFor } from './codes.js';
import { DEFAULT_KEY_PREFIX, type WorkflowKeys, workflowKeys } from './keys.js';
import { decodeRequest, encodeBody } from './request-codec.js';
import { type RedisLike, registerScripts, runScript, type ScriptName } from './scripts.js';

const MAX_PAGE = 200;

const refused = <T>(code: StoreRefusalCode, message: string): StoreResult<T> => ({
  ok: false,
  code,
  message,
});

/** Opaque page cursor: base64url of `<score>:<id>` of the last item returned. */
export function encodeCursor(score: number, id: string): string {
  return Buffer.from(`${score}:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { score: number; id: string } | undefined {
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const [, score = '', id = ''] = match;
  return { score: Number(score), id };
}

/**
 * `RequestStore` on Redis: each transition is one Lua script (`./lua`), every key comes from
 * `keys.ts`, and negative script codes are mapped by `codes.ts`. After a successful transition the
 * request is read back once so callers get what is stored.
 */
export class RedisRequestStore implements RequestStore {
  readonly keys: WorkflowKeys;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    this.keys = workflowKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    registerScripts(redis);
  }

  /** Runs a transition script; a negative integer is a refusal, anything else is returned as is. */
  private async transition(
    name: ScriptName,
    keys: string[],
    args: (string | number)[],
  ): Promise<{ ok: true; reply: unknown } | { ok: false; code: StoreRefusalCode; message: string }> {
    const reply = await runScript(this.redis, name, keys, args);
    if (typeof reply === 'number' && reply < 0) return refusalFor(reply, name);
    return { ok: true, reply };
  }

  private async reread(id: string): Promise<StoreResult<DiskRequest>> {
    const request = await this.get(id);
    // A transition just succeeded on this id; a missing hash now means someone deleted it.
    if (!request) throw new CodedError('store_corrupt', `Request ${id} vanished right after a transition`);
    return { ok: true, value: request };
  }

  private async readBack(
    id: string,
    result: Awaited<ReturnType<RedisRequestStore['transition']>>,
  ): Promise<StoreResult<DiskRequest>> {
    return result.ok ? this.reread(id) : result;
  }

  async create(request: DiskRequest, at: number): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    const details = JSON.stringify({
      kind: request.kind,
      quorum: request.quorum,
      planHash: request.planHash,
      ...(request.emergency ? { emergency: true } : {}),
    });
    const result = await this.transition(
      'createRequest',
      [k.request(request.id), k.allIndex, k.pendingIndex, k.requesterIndex(request.requesterId), k.audit],
      [
        request.id,
        request.requesterId,
        encodeBody(request),
        request.quorum,
        request.planHash,
        at,
        request.expiresAt,
        details,
      ],
    );
    return this.readBack(request.id, result);
  }

  async attachCard(id: string, card: CardRef, at: number): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition('attachCard', [k.request(id), k.audit], [id, card.channelId, card.ts, at]),
    );
  }

  async approve(
    id: string,
    input: { userId: string; at: number; planHash: string },
  ): Promise<StoreResult<ApprovalTally>> {
    const k = this.keys;
    const result = await this.transition(
      'approveRequest',
      [k.request(id), k.pendingIndex, k.audit],
      [id, input.userId, input.at, input.planHash],
    );
    if (!result.ok) return result;
    const reply = result.reply;
    if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === 'number')) {
      throw new CodedError('store_protocol_error', `approveRequest returned ${JSON.stringify(reply)}`);
    }
    const [approvals, quorum, transitioned] = reply as [number, number, number];
    const request = await this.reread(id);
    if (!request.ok) return request;
    return {
      ok: true,
      value: { request: request.value, approvals, quorum, transitioned: transitioned === 1 },
    };
  }

  async reject(
    id: string,
    input: { userId: string; at: number; reason: string },
  ): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'rejectRequest',
        [k.request(id), k.pendingIndex, k.finishedIndex, k.audit],
        [id, input.userId, input.at, input.reason],
      ),
    );
  }

  async cancel(id: string, input: { userId: string; at: number }): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'cancelRequest',
        [k.request(id), k.pendingIndex, k.finishedIndex, k.audit],
        [id, input.userId, input.at],
      ),
    );
  }

  async expire(id: string, input: { at: number }): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'expireRequest',
        [k.request(id), k.pendingIndex, k.finishedIndex, k.audit],
        [id, input.at],
      ),
    );
  }

  async start(
    id: string,
    input: { actor: string; at: number; planHash?: string },
  ): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'startRequest',
        [k.request(id), k.audit],
        [id, input.actor, input.at, input.planHash ?? ''],
      ),
    );
  }

  async advanceStep(
    id: string,
    input: { from: number; to: number; actor: string; at: number; details?: Record<string, unknown> },
  ): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'advanceStep',
        [k.request(id), k.audit],
        [id, input.from, input.to, input.actor, input.at, JSON.stringify(input.details ?? {})],
      ),
    );
  }

  async finish(
    id: string,
    input: { state: FinishState; outcome: { code: string; message: string }; actor: string; at: number },
  ): Promise<StoreResult<DiskRequest>> {
    const k = this.keys;
    return this.readBack(
      id,
      await this.transition(
        'finishRequest',
        [k.request(id), k.finishedIndex, k.audit],
        [id, input.state, input.outcome.code, input.outcome.message, input.actor, input.at],
      ),
    );
  }

  async get(id: string): Promise<DiskRequest | undefined> {
    return decodeRequest(id, await this.redis.hgetall(this.keys.request(id)));
  }

  /** Many requests in one round trip (pipelined HGETALL); missing ids are skipped. */
  async getMany(ids: readonly string[]): Promise<DiskRequest[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.request(id));
    const replies = (await pipeline.exec()) ?? [];
    const out: DiskRequest[] = [];
    replies.forEach(([error, hash], i) => {
      if (error) throw new CodedError('store_unavailable', error.message, { cause: error, retryable: true });
      const request = decodeRequest(ids[i] ?? '', (hash ?? {}) as Record<string, string>);
      if (request) out.push(request);
    });
    return out;
  }

  private indexKey(index: RequestIndex): { key: string; order: 'asc' | 'desc' } {
    switch (index.by) {
      case 'all':
        return { key: this.keys.allIndex, order: 'desc' };
      case 'pending':
        return { key: this.keys.pendingIndex, order: 'asc' };
      case 'requester':
        return { key: this.keys.requesterIndex(index.userId), order: 'desc' };
      case 'finished':
        return { key: this.keys.finishedIndex, order: 'desc' };
    }
  }

  async page(
    index: RequestIndex,
    options: { cursor?: string; limit: number },
  ): Promise<StoreResult<Page<DiskRequest>>> {
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit)));
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    if (options.cursor !== undefined && !after)
      return refused('invalid_cursor', 'That page link is not valid.');
    const { key, order } = this.indexKey(index);
    // One extra entry tells whether another page exists without an empty last page.
    const reply = await runScript(
      this.redis,
      'pageIndex',
      [key],
      [order, after?.id ?? '', after?.score ?? 0, limit + 1],
    );
    if (!Array.isArray(reply)) throw new CodedError('store_protocol_error', 'pageIndex returned no list');
    const entries: { id: string; score: number }[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2)
      entries.push({ id: String(reply[i]), score: Number(reply[i + 1]) });
    const pageEntries = entries.slice(0, limit);
    const items = await this.getMany(pageEntries.map((e) => e.id));
    const last = pageEntries.at(-1);
    return {
      ok: true,
      value:
        entries.length > limit && last ? { items, nextCursor: encodeCursor(last.score, last.id) } : { items },
    };
  }

  async dueForExpiry(at: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pendingIndex, '-inf', at, 'LIMIT', 0, limit);
  }
}
