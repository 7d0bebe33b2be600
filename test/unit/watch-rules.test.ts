import { describe, expect, it } from 'vitest';
import { planInspectCalls } from '../../src/jobs/watch-observe.js';
import {
  type DiskObservation,
  diffIncidents,
  type EvaluateInput,
  evaluate,
  type InstanceFacts,
} from '../../src/workflow/watch-rules.js';

const inst = (id: string, over: Partial<InstanceFacts> = {}): InstanceFacts => ({
  instanceId: id,
  status: 'Running',
  answer: 'ok',
  fstype: null,
  mountpoints: [],
  singleNodeMounted: false,
  registered: true,
  holdsReservation: false,
  ...over,
});

const obs = (instances: InstanceFacts[], holderKey: string | null | undefined = null): DiskObservation => ({
  diskId: 'd-1',
  exists: true,
  attachments: instances.map((i, k) => ({ instanceId: i.instanceId, attachedTime: `2026-01-0${k + 1}` })),
  instances,
  holderKey,
});

const base = (observation: DiskObservation, over: Partial<EvaluateInput> = {}): EvaluateInput => ({
  observation,
  botActive: false,
  missedBeforeAlert: 3,
  fencingMode: 'reservation',
  now: 1_000,
  ...over,
});

describe('evaluate', () => {
  it('a node that sees less than the disk is an incident naming it; not while a bot request runs', () => {
    const o = { ...obs([inst('i-a', { seenGiB: 80 }), inst('i-b', { seenGiB: 60 })]), sizeGiB: 80 };
    const e = evaluate(base(o));
    expect(e.findings.map((f) => f.kind)).toEqual(['size_behind']);
    expect(e.findings[0]?.summary).toContain('d-1 is 80 GiB but i-b sees 60 GiB');
    const during = evaluate(base(o, { botActive: true }));
    expect(during.findings).toEqual([]);
    expect(during.held).toContain('size_behind');
    const caughtUp = { ...o, instances: [inst('i-a', { seenGiB: 80 }), inst('i-b', { seenGiB: 80 })] };
    expect(evaluate(base(caughtUp)).findings).toEqual([]);
  });

  it('a single-node file system mounted on two instances is a double mount naming both', () => {
    const mounted = { fstype: 'ext4', singleNodeMounted: true };
    const e = evaluate(
      base(
        obs([
          inst('i-a', { ...mounted, mountpoints: ['/data'] }),
          inst('i-b', { ...mounted, mountpoints: ['/x'] }),
        ]),
      ),
    );
    expect(e.findings.map((f) => f.kind)).toEqual(['double_mount']);
    expect(e.findings[0]?.summary).toContain('i-a at /data; i-b at /x');
  });

  it('a silent guest counts misses, and the primary is down only after missedBeforeAlert cycles', () => {
    const o = obs([inst('i-a', { answer: 'silent' }), inst('i-b')]);
    let previous = evaluate(base(o, { namedPrimary: 'i-a' })).state;
    expect(previous.misses['i-a']).toBe(1);
    previous = evaluate(base(o, { namedPrimary: 'i-a', previous })).state;
    const third = evaluate(base(o, { namedPrimary: 'i-a', previous }));
    expect(third.findings[0]).toMatchObject({ kind: 'primary_down', failover: { from: 'i-a', to: 'i-b' } });
  });

  it('a stopped primary is down at once; the standby must be registered in reservation mode', () => {
    const o = obs([
      inst('i-a', { status: 'Stopped', answer: 'skipped' }),
      inst('i-b', { registered: false }),
    ]);
    const e = evaluate(base(o, { namedPrimary: 'i-a' }));
    expect(e.findings[0]?.failover).toEqual({ from: 'i-a' });
    expect(evaluate(base(o, { namedPrimary: 'i-a', fencingMode: 'detach' })).findings[0]?.failover).toEqual({
      from: 'i-a',
      to: 'i-b',
    });
  });

  it('the reservation holder is the primary; a holder nobody attached owns is an anomaly', () => {
    const o = obs([inst('i-a'), inst('i-b', { holdsReservation: true })], '0x2');
    expect(evaluate(base(o, { namedPrimary: 'i-a' })).state.primary).toBe('i-b');
    const foreign = evaluate(base(obs([inst('i-a'), inst('i-b')], '0x99')));
    expect(foreign.findings[0]).toMatchObject({
      kind: 'reservation',
      details: { anomaly: 'foreign_holder' },
    });
  });

  it('a lost reservation stays open until a holder is back, unless the bot released it', () => {
    const held = evaluate(base(obs([inst('i-a', { holdsReservation: true })], '0x1'))).state;
    const lost = evaluate(base(obs([inst('i-a')], null), { previous: held }));
    expect(lost.findings[0]).toMatchObject({ kind: 'reservation', details: { anomaly: 'lost' } });
    const still = evaluate(base(obs([inst('i-a')], null), { previous: lost.state }));
    expect(still.findings.map((f) => f.kind)).toEqual(['reservation']);
    expect(evaluate(base(obs([inst('i-a')], null), { previous: held, botActive: true })).findings).toEqual(
      [],
    );
  });

  it('attachment changes are noticed unless a bot request ran on the disk', () => {
    const previous = evaluate(base(obs([inst('i-a'), inst('i-b')]))).state;
    const now = obs([inst('i-a'), inst('i-c')]);
    expect(evaluate(base(now, { previous })).notice).toEqual({
      added: [{ instanceId: 'i-c', attachedTime: '2026-01-02' }],
      removed: ['i-b'],
      seenAt: expect.any(Number),
    });
    expect(evaluate(base(now, { previous, botActive: true })).notice).toBeUndefined();
  });
});

describe('diffIncidents', () => {
  const finding = { kind: 'double_mount' as const, summary: 's', details: {} };
  const open = (over = {}) => ({
    diskId: 'd-1',
    kind: 'double_mount' as const,
    channelId: 'C1',
    openedAt: 0,
    lastAlertAt: 0,
    summary: 's',
    details: {},
    notified: true,
    ...over,
  });
  const diff = (
    openList: ReturnType<typeof open>[],
    findings: (typeof finding)[],
    held: never[] = [],
    now = 10,
    botRunning = false,
  ) =>
    diffIncidents({
      diskId: 'd-1',
      channelId: 'C1',
      open: openList,
      evaluation: { findings, held },
      now,
      remindAfterMs: 100,
      botRunning,
    });

  it('opens once, reminds after remindAfter, resolves when the condition is gone', () => {
    expect(diff([], [finding]).opened).toHaveLength(1);
    expect(diff([open()], [finding])).toEqual({ opened: [], resolved: [], reminded: [] });
    expect(diff([open()], [finding], [], 100).reminded).toHaveLength(1);
    expect(diff([open()], []).resolved).toHaveLength(1);
  });

  it('a kind the cycle could not judge stays open', () => {
    expect(
      diffIncidents({
        diskId: 'd-1',
        channelId: 'C1',
        open: [open()],
        evaluation: { findings: [], held: ['double_mount'] },
        now: 10,
        remindAfterMs: 100,
        botRunning: false,
      }).resolved,
    ).toEqual([]);
  });

  it('nothing resolves while a bot request runs on the disk; it does once the request has ended', () => {
    expect(diff([open()], [], [], 10, true).resolved).toEqual([]);
    expect(diff([open()], [], [], 10, false).resolved).toHaveLength(1);
  });
});

describe('planInspectCalls', () => {
  it('one call per ≤ 100 instances, instances sharing disks together', () => {
    const map = new Map<string, Set<string>>();
    for (let n = 0; n < 3_000; n++)
      map.set(`i-${n}`, new Set([`s${String(Math.floor(n / 3)).padStart(4, '0')}`]));
    const calls = planInspectCalls(map);
    expect(calls).toHaveLength(30);
    expect(Math.max(...calls.map((c) => c.instanceIds.length))).toBe(100);
    expect(Math.max(...calls.map((c) => c.serials.length))).toBeLessThanOrEqual(35);
  });
});
