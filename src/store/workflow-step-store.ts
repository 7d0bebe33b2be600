import { CodedError } from '../errors.js';
import { DEFAULT_KEY_PREFIX } from './keys.js';
import type { RedisLike } from './scripts.js';

/**
 * What the bot owes one Workflow Builder step execution (issue 22), shared by every replica:
 *   <prefix>{wfstep}:exec:<executionId>  hash  state (filing|open|owed|done), requestId, token,
 *                                              issuedAt, workflowExecutionId, completion (JSON)
 *   <prefix>{wfstep}:req:<requestId>     str   the execution waiting for that request
 *   <prefix>{wfstep}:owed                zset  executions whose completion is owed, score = next try
 * One hash tag, so each script touches its keys atomically on Redis Cluster too.
 */
export interface StepExecution {
  readonly executionId: string;
  readonly workflowExecutionId: string;
  /** The workflow token of the event; never logged. */
  readonly token: string;
  readonly issuedAt: number;
}

/** The call that completes a step: its outputs, or the error the workflow shows. */
export type StepCompletion =
  | { readonly kind: 'success'; readonly outputs: Readonly<Record<string, string>> }
  | { readonly kind: 'error'; readonly error: string };

export interface OwedCompletion {
  readonly execution: StepExecution;
  readonly completion: StepCompletion;
  readonly attempts: number;
}

/**
 * Only the first delivery of an execution files a request; a redelivery finds the hash. The claim
 * also schedules the completion owed if this replica dies while filing (ARGV[5] at ARGV[6]);
 * linking the request or recording the real completion replaces it.
 */
const CLAIM = `
if redis.call('HSETNX', KEYS[1], 'state', 'filing') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'issuedAt', ARGV[2], 'workflowExecutionId', ARGV[3], 'completion', ARGV[5], 'attempts', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[7])
return 1
`;

/** Records the completion owed, once: the first end of the request (or refusal) wins. */
const OWE = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'filing' and state ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'owed', 'completion', ARGV[1], 'attempts', 0)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
`;

/**
 * Leases the owed completions due at ARGV[1] to one caller: each one's next try moves ARGV[2] ms
 * later, so another replica (or a restart) takes it only if this caller never settles it.
 */
const TAKE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
  local hash = ARGV[4] .. id
  local attempts = redis.call('HINCRBY', hash, 'attempts', 1)
  local f = redis.call('HMGET', hash, 'state', 'token', 'issuedAt', 'workflowExecutionId', 'completion')
  if f[1] == 'filing' then
    redis.call('HSET', hash, 'state', 'owed')
    f[1] = 'owed'
  end
  if f[1] == 'owed' then
    table.insert(out, {id, f[2] or '', f[3] or '0', f[4] or '', f[5] or '', attempts})
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`;

const COMMANDS = {
  claim: ['sdb_stepClaim_v2', 2, CLAIM],
  owe: ['sdb_stepOwe_v1', 2, OWE],
  take: ['sdb_stepTakeDue_v1', 1, TAKE_DUE],
} as const;
type Host = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

/** How long the bot remembers an execution: Slack gives up on a step long before. */
const EXECUTION_TTL_MS = 30 * 24 * 3600_000;
/** Filing takes seconds (preflight included); past this the replica that claimed it is gone. */
export const FILING_DEADLINE_MS = 10 * 60_000;
const INTERRUPTED: StepCompletion = {
  kind: 'error',
  error:
    'The bot stopped while filing this request, so it may or may not have been opened. Check `/disk requests --mine` before running the workflow again.',
};

export class RedisWorkflowStepStore {
  private readonly base: string;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    this.base = `${options.prefix ?? DEFAULT_KEY_PREFIX}{wfstep}:`;
    const host = redis as unknown as Host;
    for (const [name, keys, lua] of Object.values(COMMANDS)) {
      if (typeof host[name] !== 'function') redis.defineCommand(name, { numberOfKeys: keys, lua });
    }
  }

  private key(kind: 'exec' | 'req', id: string): string {
    return `${this.base}${kind}:${id}`;
  }

  private get owedKey(): string {
    return `${this.base}owed`;
  }

  private async run(command: keyof typeof COMMANDS, ...args: (string | number)[]): Promise<unknown> {
    const [name] = COMMANDS[command];
    const fn = (this.redis as unknown as Host)[name];
    if (!fn) throw new CodedError('store_protocol_error', `${name} is not registered`);
    return this.wrap(() => fn.call(this.redis, ...args));
  }

  private async wrap<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new CodedError('store_unavailable', `workflow step store: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
  }

  /** True for the one delivery of this execution that may file its request. */
  async claim(execution: StepExecution, now: number): Promise<boolean> {
    const won = await this.run(
      'claim',
      this.key('exec', execution.executionId),
      this.owedKey,
      execution.token,
      execution.issuedAt,
      execution.workflowExecutionId,
      EXECUTION_TTL_MS,
      JSON.stringify(INTERRUPTED),
      now + FILING_DEADLINE_MS,
      execution.executionId,
    );
    return Number(won) === 1;
  }

  /** The execution now waits for `requestId` to end. */
  async link(executionId: string, requestId: string): Promise<void> {
    await this.wrap(() =>
      this.redis
        .multi()
        .hset(this.key('exec', executionId), 'state', 'open', 'requestId', requestId)
        .zrem(this.owedKey, executionId)
        .set(this.key('req', requestId), executionId, 'PX', EXECUTION_TTL_MS)
        .exec(),
    );
  }

  /** The execution waiting for a request, if a workflow step filed it. */
  async executionOf(requestId: string): Promise<string | undefined> {
    return (await this.wrap(() => this.redis.get(this.key('req', requestId)))) ?? undefined;
  }

  /** Records what the step is owed; false when it was owed (or completed) already. */
  async owe(executionId: string, completion: StepCompletion, at: number): Promise<boolean> {
    const recorded = await this.run(
      'owe',
      this.key('exec', executionId),
      this.owedKey,
      JSON.stringify(completion),
      at,
      executionId,
    );
    return Number(recorded) === 1;
  }

  /** Leases up to `limit` completions due at `now` for `leaseMs`. */
  async takeDue(now: number, leaseMs: number, limit = 20): Promise<OwedCompletion[]> {
    const rows = (await this.run('take', this.owedKey, now, leaseMs, limit, `${this.base}exec:`)) as [
      string,
      string,
      string,
      string,
      string,
      number,
    ][];
    return rows.map(([executionId, token, issuedAt, workflowExecutionId, completion, attempts]) => ({
      execution: { executionId, token, issuedAt: Number(issuedAt), workflowExecutionId },
      completion: JSON.parse(completion) as StepCompletion,
      attempts: Number(attempts),
    }));
  }

  /** Slack has the completion (or will never take it): nothing is owed any more. */
  async settle(executionId: string): Promise<void> {
    await this.wrap(() =>
      this.redis
        .multi()
        .hset(this.key('exec', executionId), 'state', 'done')
        .zrem(this.owedKey, executionId)
        .exec(),
    );
  }

  /** Tries again at `at` (the lease already moved it; this sets the backoff). */
  async retryAt(executionId: string, at: number): Promise<void> {
    await this.wrap(() => this.redis.zadd(this.owedKey, 'XX', at, executionId));
  }
}
