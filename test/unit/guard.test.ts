/** Pure rules of issue 6: the single-node file-system guard, fence verification, the alert, the blocks. */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo } from '../../src/cloud/gateway.js';
import { type MountRow, mountAlertOf } from '../../src/cloud/mounts.js';
import {
  CREATED_BLANK_TAG,
  isKnownBlank,
  needsTwoPhase,
  singleNodeFsRule,
} from '../../src/cloud/preflight/guard.js';
import { type InspectReport, RESERVATION_TYPE, reservationKeyFor } from '../../src/cloud/scripts/index.js';
import { verifyFence } from '../../src/jobs/steps/reservation.js';
import { mountAlertMessage, mountTableBlocks } from '../../src/slack/blocks/mounts.js';

const disk = (attached: string[]): DiskInfo => ({
  diskId: 'd-1',
  diskName: 'x',
  regionId: 'r',
  zoneId: 'z',
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  sizeGiB: 20,
  status: 'In_use',
  multiAttach: true,
  chargeType: 'PostPaid',
  serialNumber: '1',
  attachments: attached.map((instanceId) => ({ instanceId, device: '/dev/xvdb', attachedTime: '' })),
  tags: {},
});
const report = (fstype: string | null, mountpoints: string[] = []): InspectReport => ({
  attached: true,
  device: '/dev/nvme1n1',
  serial: '1',
  fstype,
  mountpoints,
  readOnly: false,
  reservation: null,
});
const seen = (
  instanceId: string,
  fstype: string | null,
  mountpoints: string[] = [],
): TargetOutcome<InspectReport> => ({ ok: true, instanceId, value: report(fstype, mountpoints) });

describe('singleNodeFsRule', () => {
  it('refuses a second instance for ext4, naming the cluster file systems and the override', () => {
    const [check] = singleNodeFsRule(disk(['i-a']), ['i-b'], false, {
      outcomes: [seen('i-a', 'ext4', ['/data'])],
    });
    expect(check).toMatchObject({ code: 'single_node_fs', level: 'error' });
    expect(check?.message).toContain('holds ext4 (seen on i-a, mounted at /data)');
    expect(check?.message).toMatch(/OCFS2.*GFS2/);
    expect(check?.message).toContain('--allow-single-node-fs');
  });

  it.each(['xfs', 'btrfs', 'ntfs', 'vfat', 'EXT3'])('treats %s as single-node', (fs) => {
    expect(singleNodeFsRule(disk(['i-a']), ['i-b'], false, { outcomes: [seen('i-a', fs)] })[0]?.level).toBe(
      'error',
    );
  });

  it('turns into a danger warning with the override (same code as the card’s static check)', () => {
    const [check] = singleNodeFsRule(disk(['i-a']), ['i-b'], true, { outcomes: [seen('i-a', 'xfs')] });
    expect(check).toMatchObject({ code: 'single_node_fs_override', level: 'danger' });
  });

  it('passes cluster file systems and raw disks; refuses (fails closed) when nothing could be read', () => {
    expect(
      singleNodeFsRule(disk(['i-a']), ['i-b'], false, { outcomes: [seen('i-a', 'ocfs2')] })[0]?.level,
    ).toBe('ok');
    expect(singleNodeFsRule(disk(['i-a']), ['i-b'], false, { outcomes: [seen('i-a', null)] })[0]?.code).toBe(
      'filesystem_none',
    );
    const unread = singleNodeFsRule(disk(['i-a']), ['i-b'], false, {
      outcomes: [
        { ok: false, instanceId: 'i-a', state: 'timeout', code: 'DeliveryTimeout', message: 'hung' },
      ],
    });
    expect(unread[0]).toMatchObject({ code: 'filesystem_unknown', level: 'error', facts: 'fs=unknown' });
    expect(unread[0]?.message).toContain('i-a: DeliveryTimeout');
    const overridden = singleNodeFsRule(disk(['i-a']), ['i-b'], true, {
      outcomes: [{ ok: true, instanceId: 'i-a', value: { ...report(null), attached: false } }],
    });
    expect(overridden[0]).toMatchObject({ code: 'filesystem_unknown_override', level: 'danger' });
    expect(overridden[0]?.message).toContain('not visible in the guest');
  });

  it('has nothing to say when nothing is added; a disk attached nowhere goes to one instance first', () => {
    expect(singleNodeFsRule(disk(['i-a']), [], false, { outcomes: [seen('i-a', 'ext4')] })).toEqual([]);
    expect(singleNodeFsRule(disk([]), ['i-b'], false, { outcomes: [] })[0]).toMatchObject({
      code: 'filesystem_first_attachment',
      level: 'ok',
    });
    const [two] = singleNodeFsRule(disk([]), ['i-b', 'i-c', 'i-d'], false, { outcomes: [] });
    expect(two).toMatchObject({ code: 'filesystem_content_unknown', level: 'warning', rule: 'filesystem' });
    expect(two?.message).toContain('attached to i-b first and inspected there; i-c, i-d follow only if');
  });

  it('knows a disk the bot created and never attached is blank, and forgets it once detached', () => {
    const created = { ...disk([]), tags: { [CREATED_BLANK_TAG.key]: CREATED_BLANK_TAG.value } };
    expect(isKnownBlank(created)).toBe(true);
    expect(needsTwoPhase(created, ['i-b', 'i-c'])).toBe(false);
    expect(singleNodeFsRule(created, ['i-b', 'i-c'], false, { outcomes: [] })[0]?.code).toBe(
      'filesystem_known_blank',
    );
    const detachedOnce = { ...created, detachedTime: '2026-11-30T10:00:00Z' };
    expect(isKnownBlank(detachedOnce)).toBe(false);
    expect(needsTwoPhase(detachedOnce, ['i-b', 'i-c'])).toBe(true);
    expect(needsTwoPhase(disk([]), ['i-b'])).toBe(false);
    expect(isKnownBlank(disk([]))).toBe(false);
  });
});

describe('verifyFence', () => {
  const standby = 'i-new';
  const victim = 'i-old';
  const good = {
    holder: reservationKeyFor(standby),
    registrants: [{ key: reservationKeyFor(standby), instanceId: null }],
    type: RESERVATION_TYPE,
  };
  it('holds when the standby holds a registrants-only reservation and the victim is gone', () => {
    expect(verifyFence(good, { standby, victim, others: [] })).toEqual({ ok: true });
  });
  it.each([
    [
      'victim still registered',
      { ...good, registrants: [...good.registrants, { key: reservationKeyFor(victim), instanceId: null }] },
      'still registered',
    ],
    ['someone else holds', { ...good, holder: '0x99' }, 'the holder is 0x99'],
    ['wrong type', { ...good, type: 'write-exclusive' }, 'the type is write-exclusive'],
    [
      'unknown key',
      { ...good, registrants: [...good.registrants, { key: '0x77', instanceId: null }] },
      'maybe the old primary',
    ],
  ])('fails: %s', (_, report, why) => {
    const r = verifyFence(report, { standby, victim, others: [] });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(why);
  });
});

describe('mount alert and blocks', () => {
  const row = (
    instanceId: string,
    fstype: string,
    mountpoints: string[],
    access: MountRow['access'] = 'rw',
  ): MountRow => ({
    instanceId,
    instanceState: 'Running',
    attachment: 'attached',
    device: '/dev/nvme1n1',
    fstype,
    mountpoints,
    access,
  });
  it('alerts only for a single-node file system mounted on two or more instances', () => {
    expect(mountAlertOf([row('i-a', 'ext4', ['/d']), row('i-b', 'ext4', [])])).toBeUndefined();
    expect(mountAlertOf([row('i-a', 'ocfs2', ['/d']), row('i-b', 'ocfs2', ['/d'])])).toBeUndefined();
    expect(mountAlertOf([row('i-a', 'xfs', ['/d']), row('i-b', 'xfs', ['/e'], 'ro')])).toEqual({
      fstype: 'xfs',
      instanceIds: ['i-a', 'i-b'],
    });
  });
  it('escapes what the guest reports', () => {
    const blocks = mountTableBlocks({
      diskId: 'd-1',
      rows: [{ ...row('i-a', 'ext4', ['/<!channel>']), access: 'unknown', why: '<@U1> *x*' }],
    });
    const text = JSON.stringify(blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U1>');
    expect(
      JSON.stringify(mountAlertMessage('d-1', { fstype: '<b>', instanceIds: ['i-a', 'i-b'] })),
    ).not.toContain('<b>');
  });
});
