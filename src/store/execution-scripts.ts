import { CodedError } from '../errors.js';
import { acquireLocks, releaseLocks, renewLocks } from './lua/locks.js';
import type { ScriptDefinition } from './lua/prelude.js';
import { ecsThrottled, reserveEcsSlot } from './lua/rate.js';
import { commandName, type RedisLike } from './scripts.js';

/**
 * The execution subsystem's scripts, registered like the workflow's (`scripts.ts`: `defineCommand`
 * under `sdb_<name>_v<version>`). Kept apart because the lock scripts take a variable number of
 * keys (one per resource), which the workflow's fixed-arity runner does not allow.
 */
export const EXECUTION_SCRIPTS = {
  acquireLocks,
  renewLocks,
  releaseLocks,
  reserveEcsSlot,
  ecsThrottled,
} as const;
export type ExecutionScriptName = keyof typeof EXECUTION_SCRIPTS;

type ScriptHost = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

export function registerExecutionScripts(redis: RedisLike): void {
  const host = redis as unknown as ScriptHost;
  for (const script of Object.values(EXECUTION_SCRIPTS)) {
    const name = commandName(script);
    if (typeof host[name] === 'function') continue;
    // numberOfKeys omitted for variadic scripts: ioredis then takes the key count as first argument.
    redis.defineCommand(
      name,
      script.numberOfKeys < 0 ? { lua: script.lua } : { numberOfKeys: script.numberOfKeys, lua: script.lua },
    );
  }
}

/** Runs a registered script. Redis and connection errors become `store_unavailable`. */
export async function runExecutionScript(
  redis: RedisLike,
  name: ExecutionScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const script: ScriptDefinition = EXECUTION_SCRIPTS[name];
  const command = (redis as unknown as ScriptHost)[commandName(script)];
  if (!command) throw new CodedError('store_protocol_error', `${commandName(script)} is not registered`);
  const head = script.numberOfKeys < 0 ? [keys.length] : [];
  try {
    return await command.call(redis, ...head, ...keys, ...args);
  } catch (error) {
    throw new CodedError('store_unavailable', `Redis script ${name} failed: ${(error as Error).message}`, {
      cause: error,
      retryable: true,
    });
  }
}
