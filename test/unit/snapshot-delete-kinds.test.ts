/**
 * `/disk snapshot` and `/disk delete` (issue 19), their pure parts: the grammar, the builders, the
 * policy defaults, the rules at filing and at each moment, the summaries and Retry.
 */
import { describe, expect, it } from 'vitest';
import type { DiskInfo, SnapshotInfo } from '../../src/cloud/gateway.js';
import type { InspectReport } from '../../src/cloud/scripts/index.js';
import { parseDiskCommand, renderDiskCommand } from '../../src/commands/index.js';
import { deleteResultText, deleteSummary, retryDelete } from '../../src/kinds/delete/grammar.js';
import { deleteRules } from '../../src/kinds/delete/rules.js';
import type { LifecycleFacts } from '../../src/kinds/snapshot/facts.js';
import { retrySnapshot, snapshotResultText, snapshotSummary } from '../../src/kinds/snapshot/grammar.js';
import { snapshotRules } from '../../src/kinds/snapshot/rules.js';
import { snapshotBlocks } from '../../src/slack/blocks/snapshots.js';
import { type Policy, parsePolicy } from '../../src/workflow/policy.js';
import type { Check } from '../../src/workflow/request.js';
import { buildRequest, type RequestCommand } from '../../src/workflow/request-builder.js';
import { readParams } from '../../src/workflow/request-params.js';
import { attachmentsOn, diskInfo } from '../support/disk-info.js';

const MANAGED = { 'shared-disk-bot:managed': 'true' };
const disk = (over: Partial<DiskInfo> = {}): DiskInfo =>
  diskInfo({
    sizeGiB: 60,
    status: 'Available',
    detachedTime: '2026-12-01T00:00:00Z',
    tags: MANAGED,
    ...over,
  });
const on = (...ids: string[]) => attachmentsOn(ids);
const snapshot = (status: string, id = 's-1'): SnapshotInfo => ({
  snapshotId: id,
  snapshotName: 'x',
  sourceDiskId: 'd-1',
  sourceDiskSizeGiB: 60,
  status,
  progressPercent: status === 'progressing' ? 40 : 100,
  creationTime: '',
  tags: {},
});
const inspected = (instanceId: string, mountpoints: string[], readOnly = false) => ({
  ok: true as const,
  instanceId,
  value: {
    attached: true,
    device: '/dev/nvme1n1',
    serial: '1',
    fstype: 'ocfs2',
    mountpoints,
    readOnly,
    reservation: null,
  } satisfies InspectReport,
});
const codes = (checks: readonly Check[], level: Check['level'] = 'error') =>
  checks.filter((c) => c.level === level).map((c) => c.code);

function policy(text = ''): Policy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}
function command(text: string): RequestCommand {
  const parsed = parseDiskCommand(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const c = parsed.command;
  if (c.kind !== 'snapshot' && c.kind !== 'delete') throw new Error(`not a lifecycle command: ${c.kind}`);
  return c;
}

describe('the grammar', () => {
  it('reads /disk snapshot with a retention and a reason, by id or by name, and renders it back', () => {
    const parsed = parseDiskCommand('snapshot D-BP1ABC --retention-days 30 --reason "before the upgrade"');
    expect(parsed).toEqual({
      ok: true,
      command: { kind: 'snapshot', diskId: 'd-bp1abc', retentionDays: 30, reason: 'before the upgrade' },
    });
    expect(parseDiskCommand('snapshot shared-db')).toEqual({
      ok: true,
      command: { kind: 'snapshot', diskId: 'shared-db' },
    });
    if (parsed.ok) expect(parseDiskCommand(renderDiskCommand(parsed.command))).toEqual(parsed);
  });

  it('refuses a retention outside 1–65536 days, naming the flag', () => {
    for (const days of ['0', '65537', 'abc', '-3']) {
      const parsed = parseDiskCommand(`snapshot d-1 --retention-days ${days}`);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.message).toContain('--retention-days');
        expect(parsed.error.usage).toContain('/disk snapshot <disk>');
      }
    }
    expect(parseDiskCommand('snapshot d-1 --retention-days 65536').ok).toBe(true);
    expect(parseDiskCommand('snapshot d-1 --retention-days 1').ok).toBe(true);
  });

  it('reads /disk delete with --skip-final-snapshot; the disk is required and the switch takes no value', () => {
    expect(parseDiskCommand('delete shared-db --skip-final-snapshot --reason "scratch"')).toEqual({
      ok: true,
      command: { kind: 'delete', diskId: 'shared-db', skipFinalSnapshot: true, reason: 'scratch' },
    });
    const missing = parseDiskCommand('delete');
    expect(!missing.ok && missing.error.code).toBe('missing_argument');
    const valued = parseDiskCommand('delete d-1 --skip-final-snapshot=yes');
    expect(!valued.ok && valued.error.code).toBe('invalid_value');
    const extra = parseDiskCommand('delete d-1 i-1');
    expect(!extra.ok && extra.error.code).toBe('unexpected_argument');
  });
});

describe('builders and policy', () => {
  it('snapshot: one approval by default; the plan is CreateSnapshot, then the wait for accomplished', () => {
    const p = policy();
    expect(p.actions.snapshot.quorum).toBe(1);
    const built = buildRequest(command('snapshot d-1 --retention-days 7'), p, 'cn-hangzhou');
    expect(built.kind).toBe('snapshot');
    expect(built.params).toEqual({ diskId: 'd-1', regionId: 'cn-hangzhou', retentionDays: 7 });
    expect(built.plan.map((s) => s.action)).toEqual(['CreateSnapshot', 'DescribeSnapshots']);
    expect(built.plan[0]?.params.RetentionDays).toBe(7);
  });

  it('delete: two approvals by default (an operator may change it); the final snapshot comes first unless skipped', () => {
    expect(policy().actions.delete.quorum).toBe(2);
    expect(policy('actions: { delete: { quorum: 3 } }').actions.delete.quorum).toBe(3);
    const full = buildRequest(command('delete d-1'), policy(), 'cn-hangzhou');
    expect(full.plan.map((s) => s.action)).toEqual([
      'CreateSnapshot',
      'DescribeSnapshots',
      'DescribeDisks',
      'DeleteDisk',
      'DescribeDisks',
    ]);
    const bare = buildRequest(command('delete d-1 --skip-final-snapshot'), policy(), 'cn-hangzhou');
    expect(bare.plan.map((s) => s.action)).toEqual(['DescribeDisks', 'DeleteDisk', 'DescribeDisks']);
    expect(bare.params).toEqual({ diskId: 'd-1', regionId: 'cn-hangzhou', skipFinalSnapshot: true });
  });
});

describe('snapshot rules', () => {
  const facts = (over: Partial<LifecycleFacts> = {}): LifecycleFacts => ({
    disk: disk({ status: 'In_use', attachments: on('i-1', 'i-2') }),
    snapshots: [],
    filesystem: { outcomes: [inspected('i-1', ['/shared']), inspected('i-2', ['/shared'], true)] },
    ...over,
  });
  const p = { diskId: 'd-1', regionId: 'cn-hangzhou' };

  it('says plainly that a disk mounted read-write gives a crash-consistent copy only', () => {
    const checks = snapshotRules(p, facts());
    expect(codes(checks)).toEqual([]);
    expect(checks.find((c) => c.code === 'crash_consistent')?.message).toMatch(/i-1.*crash-consistent only/);
  });

  it('refuses an unknown disk, an unmanaged one, one with a snapshot in progress, one never attached', () => {
    expect(codes(snapshotRules(p, { snapshots: [] }))).toEqual(['disk_not_found']);
    expect(codes(snapshotRules(p, facts({ disk: disk({ tags: {} }) })))).toEqual(['disk_not_managed']);
    expect(codes(snapshotRules(p, facts({ snapshots: [snapshot('progressing')] })))).toEqual([
      'snapshot_in_progress',
    ]);
    const blank = disk({ detachedTime: '' });
    expect(codes(snapshotRules(p, facts({ disk: blank, filesystem: { outcomes: [] } })))).toEqual([
      'never_attached',
    ]);
  });

  it('missing facts are an error, never silence', () => {
    expect(codes(snapshotRules(p, facts({ filesystem: undefined })))).toEqual(['facts_unread']);
    expect(codes(snapshotRules(p, facts({ snapshots: undefined })))).toEqual(['facts_unread']);
  });
});

describe('delete rules', () => {
  const p = { diskId: 'd-1', regionId: 'cn-hangzhou', skipFinalSnapshot: false };

  it('refuses while attached anywhere, naming the instances and the /disk detach to run', () => {
    const checks = deleteRules(p, {
      disk: disk({ status: 'In_use', attachments: on('i-1', 'i-2') }),
      snapshots: [],
    });
    expect(codes(checks)).toEqual(['disk_attached']);
    expect(checks.find((c) => c.code === 'disk_attached')?.message).toContain('/disk detach d-1 i-1 i-2');
  });

  it('refuses a disk the bot does not manage, and a disk gone or unread', () => {
    expect(codes(deleteRules(p, { disk: disk({ tags: {} }), snapshots: [] }))).toEqual(['disk_not_managed']);
    expect(codes(deleteRules(p, { snapshots: [] }))).toEqual(['disk_not_found']);
    expect(codes(deleteRules(p, { disk: disk() }))).toEqual(['facts_unread']);
  });

  it('the final snapshot is announced; skipping it is a danger; a never-attached disk needs none', () => {
    expect(codes(deleteRules(p, { disk: disk(), snapshots: [] }), 'ok')).toContain('final_snapshot');
    const skipped = deleteRules({ ...p, skipFinalSnapshot: true }, { disk: disk(), snapshots: [] });
    expect(codes(skipped, 'danger')).toEqual(['no_final_snapshot']);
    const blank = deleteRules(p, { disk: disk({ detachedTime: '' }), snapshots: [] });
    expect(codes(blank, 'ok')).toContain('final_snapshot_not_needed');
    expect(codes(blank, 'ok')).not.toContain('final_snapshot');
  });
});

describe('summaries, results and Retry', () => {
  it('summarise, name the snapshot to restore from, and map back to the same command', () => {
    const snap = readParams('snapshot', { diskId: 'd-1', regionId: 'r', retentionDays: 30, reason: 'why' });
    const del = readParams('delete', { diskId: 'd-1', regionId: 'r', skipFinalSnapshot: true });
    if (!snap || !del) throw new Error('params did not read back');
    expect(snapshotSummary(snap)).toBe('snapshot d-1 (kept 30 days): why');
    expect(deleteSummary(del)).toBe('delete d-1 WITHOUT a final snapshot');
    expect(snapshotResultText(snap, 's-9')).toContain('restore from s-9');
    expect(deleteResultText({ ...del, skipFinalSnapshot: false }, 's-9')).toContain('final snapshot s-9');
    expect(deleteResultText(del, undefined)).toContain('nothing to restore from');
    expect(retrySnapshot(snap)).toEqual({
      kind: 'snapshot',
      diskId: 'd-1',
      retentionDays: 30,
      reason: 'why',
    });
    expect(retryDelete(del)).toEqual({ kind: 'delete', diskId: 'd-1', skipFinalSnapshot: true });
  });
});

describe('/disk status: the latest snapshots', () => {
  const text = (blocks: ReturnType<typeof snapshotBlocks>) => JSON.stringify(blocks);

  it('lists id, time and status of the newest few, says how many exist, and stays inside one section', () => {
    const latest = Array.from({ length: 5 }, (_, i) => ({
      ...snapshot(i === 0 ? 'progressing' : 'accomplished', `s-${i}`),
      creationTime: `2026-12-0${i + 1}T00:00:00Z`,
      snapshotName: `shared-disk-bot R-0000000000 snapshot by U0ALICE: ${'<&>'.repeat(60)}`,
    }));
    const blocks = snapshotBlocks({ read: true, total: 12, latest });
    expect(blocks).toHaveLength(1);
    const section = blocks[0]?.type === 'section' ? (blocks[0].text?.text ?? '') : '';
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toContain('*Snapshots* (12, the latest 5 shown)');
    expect(section).toContain('progressing 40%');
    expect(section).toContain('2026-12-05T00:00:00Z');
    expect(section).not.toContain('<&>');
  });

  it('says when there are none, and why they could not be read', () => {
    expect(text(snapshotBlocks({ read: true, total: 0, latest: [] }))).toContain('No snapshots of this disk');
    expect(text(snapshotBlocks({ read: false, why: 'Throttling: slow down' }))).toContain(
      'could not be read (Throttling: slow down)',
    );
  });
});
