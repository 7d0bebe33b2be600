import type { Cluster, Redis } from 'ioredis';
import { CodedError } from '../errors.js';
import { advanceStep } from './lua/advanceStep.js';
import { approveRequest } from './lua/approveRequest.js';
import { attachCard } from './lua/attachCard.js';
import { cancelRequest } from './lua/cancelRequest.js';
import { createRequest } from './lua/createRequest.js';
import { expireRequest } from './lua/expireRequest.js';
import { finishRequest } from './lua/finishRequest.js';
import { pageIndex } from './lua/pageIndex.js';
import type { ScriptDefinition } from './lua/prelude.js';
import { rejectRequest } from './lua/rejectRequest.js';
import { startRequest } from './lua/startRequest.js';

export type RedisLike = Redis | Cluster;

/**
 * Every script of the workflow. They are TypeScript string modules (not `.lua` files) so they
 * work unchanged under tsx, vitest and a bundle, with no file lookups relative to the module.
 */
export const SCRIPTS = {
  createRequest,
  attachCard,
  approveRequest,
  rejectRequest,
  cancelRequest,
  expireRequest,
  startRequest,
  advanceStep,
  finishRequest,
  pageIndex,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** `sdb_approveRequest_v1`: the versioned command name a script is registered under. */
export function commandName(script: ScriptDefinition): string {
  return `sdb_${script.name}_v${script.version}`;
}

type ScriptHost = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

/**
 * Registers every script on the client with `defineCommand` (EVALSHA with an EVAL fallback, so a
 * restarted Redis with an empty script cache is handled by ioredis). Idempotent per client.
 */
export function registerScripts(redis: RedisLike): void {
  const host = redis as unknown as ScriptHost;
  for (const script of Object.values(SCRIPTS)) {
    const name = commandName(script);
    if (typeof host[name] === 'function') continue;
    redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
}

/** Runs a registered script. Redis and connection errors become `store_unavailable`. */
export async function runScript(
  redis: RedisLike,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const script = SCRIPTS[name];
  if (keys.length !== script.numberOfKeys) {
    throw new CodedError(
      'store_protocol_error',
      `${name} takes ${script.numberOfKeys} keys, got ${keys.length}`,
    );
  }
  return runDefinedScript(redis, script, keys, args);
}

/**
 * Runs a script registered with `defineCommand` (any store's own scripts too). Redis and
 * connection errors become `store_unavailable`; an unregistered script is a protocol error.
 */
export async function runDefinedScript(
  redis: RedisLike,
  script: ScriptDefinition,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const command = (redis as unknown as ScriptHost)[commandName(script)];
  if (!command) throw new CodedError('store_protocol_error', `${commandName(script)} is not registered`);
  try {
    return await command.call(redis, ...keys, ...args);
  } catch (error) {
    throw new CodedError(
      'store_unavailable',
      `Redis script ${script.name} failed: ${(error as Error).message}`,
      { cause: error, retryable: true },
    );
  }
}
