import { z } from 'zod';
import type { ChangeFreeze, FreezeSwitch } from '../workflow/freeze.js';
import type { RedisClient } from './connection.js';
import { DEFAULT_KEY_PREFIX, workflowKeys } from './keys.js';

const freezeSchema = z.object({ by: z.string(), at: z.number(), reason: z.string() });

function readJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The change freeze as one Redis key beside the workflow's (same hash tag), so it survives
 * restarts and every replica sees the same one. `SET NX` starts it atomically (a second freeze
 * keeps the first one's author and reason); `DEL` lifts it.
 */
export class RedisFreezeSwitch implements FreezeSwitch {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string = DEFAULT_KEY_PREFIX,
  ) {
    this.key = workflowKeys(prefix).freeze;
  }

  async current(): Promise<ChangeFreeze | undefined> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return undefined;
    // A value the bot cannot read still means "frozen": failing closed keeps changes out.
    const parsed = freezeSchema.safeParse(readJson(raw));
    return parsed.success ? parsed.data : { by: 'unknown', at: 0, reason: 'unreadable freeze record' };
  }

  async start(freeze: ChangeFreeze): Promise<{ started: boolean; freeze: ChangeFreeze }> {
    const set = await this.redis.set(this.key, JSON.stringify(freeze), 'NX');
    if (set === 'OK') return { started: true, freeze };
    return { started: false, freeze: (await this.current()) ?? freeze };
  }

  async lift(): Promise<boolean> {
    return (await this.redis.del(this.key)) > 0;
  }
}
