import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import { GUEST_UNRESPONSIVE, UnresponsiveGuests } from '../../src/cloud/unresponsive-guests.js';

const silent = (instanceId: string): TargetOutcome<string> => ({
  ok: false,
  instanceId,
  state: 'no_answer',
  code: 'no_answer',
  message: 'no result after 15 s',
});
const answer = (instanceId: string): TargetOutcome<string> => ({ ok: true, instanceId, value: 'ext4' });

describe('UnresponsiveGuests', () => {
  it('gives a guest that went silent one short try until the memory lapses, keeping input order', async () => {
    let now = 0;
    const memory = new UnresponsiveGuests(() => now, 120_000, 500);
    const asked: { ids: readonly string[]; patienceMs: number | undefined }[] = [];
    const run = async (ids: readonly string[], patienceMs?: number) => {
      asked.push({ ids, patienceMs });
      return ids.map((id) => (id === 'i-dead' ? silent(id) : answer(id)));
    };
    await memory.read(['i-dead', 'i-ok'], run);
    expect(asked).toEqual([{ ids: ['i-dead', 'i-ok'], patienceMs: undefined }]);

    asked.length = 0;
    now = 30_000;
    const second = await memory.read(['i-dead', 'i-ok'], run);
    expect(asked).toEqual([
      { ids: ['i-ok'], patienceMs: undefined },
      { ids: ['i-dead'], patienceMs: 500 },
    ]);
    expect(second.map((o) => o.instanceId)).toEqual(['i-dead', 'i-ok']);
    expect(second[0]).toMatchObject({ ok: false, code: GUEST_UNRESPONSIVE });
    expect(second[0]?.ok === false && second[0].message).toContain(
      '30 s ago (no_answer: no result after 15 s)',
    );

    asked.length = 0;
    now = 120_000;
    await memory.read(['i-dead'], run);
    expect(asked).toEqual([{ ids: ['i-dead'], patienceMs: undefined }]);
  });

  it('forgets a guest as soon as it answers again', async () => {
    const memory = new UnresponsiveGuests(() => 0);
    await memory.read(['i-1'], async (ids) => ids.map(silent));
    const back = await memory.read(['i-1'], async (ids) => ids.map(answer));
    expect(back).toEqual([answer('i-1')]);
    expect(memory.recall('i-1')).toBeUndefined();
  });
});
