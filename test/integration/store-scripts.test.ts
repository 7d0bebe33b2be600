import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptCode } from '../../src/store/codes.js';
import { commandName, runScript, SCRIPTS } from '../../src/store/scripts.js';
import type { StoreResult } from '../../src/workflow/ports.js';
import { type DiskRequest, REQUEST_STATES, type RequestState } from '../../src/workflow/request.js';
import { canTransition } from '../../src/workflow/state-machine.js';
import { HOUR, refusedWith, type StoreFixture, storeFixture, T0 } from '../support/store-fixture.js';

let redis: StoreFixture['redis'];
let store: StoreFixture['store'];
let stored: StoreFixture['stored'];

beforeEach(() => {
  ({ redis, store, stored } = storeFixture());
});

afterEach(async () => {
  await redis.quit();
});

describe('every transition script against every state (tampered with HSET)', () => {
  type Attempt = (r: DiskRequest) => Promise<StoreResult<unknown>>;
  const attempts: Record<string, { to: RequestState; run: Attempt }[]> = {
    approveRequest: [
      { to: 'approved', run: (r) => store.approve(r.id, { userId: 'UA', at: T0 + 1, planHash: r.planHash }) },
    ],
    rejectRequest: [
      { to: 'rejected', run: (r) => store.reject(r.id, { userId: 'UA', at: T0 + 1, reason: 'no' }) },
    ],
    cancelRequest: [{ to: 'cancelled', run: (r) => store.cancel(r.id, { userId: 'UREQ', at: T0 + 1 }) }],
    expireRequest: [{ to: 'expired', run: (r) => store.expire(r.id, { at: T0 + HOUR }) }],
    startRequest: [{ to: 'running', run: (r) => store.start(r.id, { actor: 'w', at: T0 + 1 }) }],
    finishRequest: (['succeeded', 'partial', 'failed'] as const).map((to) => ({
      to,
      run: (r: DiskRequest) =>
        store.finish(r.id, { state: to, outcome: { code: to, message: to }, actor: 'w', at: T0 + 1 }),
    })),
  };

  for (const from of REQUEST_STATES) {
    for (const [script, list] of Object.entries(attempts)) {
      for (const { to, run } of list) {
        const allowed = canTransition(from, to);
        it(`${script}: ${from} → ${to} is ${allowed ? 'allowed' : 'refused with WRONG_STATE'}`, async () => {
          const r = await stored({ quorum: 1 });
          await redis.hset(store.keys.request(r.id), 'state', from);
          const result = await run(r);
          if (allowed) {
            expect(result.ok).toBe(true);
            expect((await store.get(r.id))?.state).toBe(to);
          } else {
            refusedWith(result, 'wrong_state');
            expect((await store.get(r.id))?.state).toBe(from);
          }
        });
      }
    }
  }
});

describe('scripts and codes', () => {
  it('registers every script under a versioned sdb_<name>_v<n> command', () => {
    for (const script of Object.values(SCRIPTS)) {
      expect(commandName(script)).toMatch(/^sdb_[a-zA-Z]+_v\d+$/);
      expect(typeof (redis as unknown as Record<string, unknown>)[commandName(script)]).toBe('function');
      expect(script.lua.startsWith(`--[[ ${script.name}:`)).toBe(true);
      expect(script.lua).toMatch(/KEYS\[1\]/);
    }
  });

  it('the Lua prelude carries the same numbers as the ScriptCode enum', async () => {
    const r = await stored();
    const reply = await runScript(
      redis,
      'approveRequest',
      [store.keys.request(r.id), store.keys.pendingIndex, store.keys.audit],
      [r.id, 'UREQ', T0 + 1, r.planHash],
    );
    expect(reply).toBe(ScriptCode.SELF_APPROVAL);
  });

  it('a corrupt hash is an infrastructure error, not a refusal', async () => {
    const r = await stored();
    await redis.hset(store.keys.request(r.id), 'body', '{not json');
    await expect(store.get(r.id)).rejects.toMatchObject({ code: 'store_corrupt' });
    await redis.hset(store.keys.request(r.id), 'state', 'haunted');
    await expect(store.get(r.id)).rejects.toMatchObject({ code: 'store_corrupt' });
  });

  it('keeps every key of one prefix under the {wf} hash tag', async () => {
    await stored();
    const keys = await redis.keys(`${store.keys.prefix}*`);
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(key.startsWith(`${store.keys.prefix}{wf}:`)).toBe(true);
  });
});
