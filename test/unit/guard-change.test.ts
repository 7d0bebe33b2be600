/** Pure rules of issue 10: mount-aware detach, run time against filing time, the audit record. */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo } from '../../src/cloud/gateway.js';
import {
  detachMountRule,
  GUARD_CHANGED,
  guardAuditRecord,
  guardChange,
  singleNodeFsRule,
} from '../../src/cloud/preflight/index.js';
import { type InspectReport, reservationKeyFor } from '../../src/cloud/scripts/index.js';
import { requiredQuorum } from '../../src/workflow/approvers.js';
import { defaultPolicy, parsePolicy } from '../../src/workflow/policy.js';
import type { Check } from '../../src/workflow/request.js';

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
const instance = (instanceId: string, status = 'Running'): InstanceInfo => ({
  instanceId,
  instanceName: instanceId,
  status,
  zoneId: 'z',
  instanceType: 't',
  imageId: 'img',
});
const mounted = (
  instanceId: string,
  mountpoints: string[],
  readOnly = false,
  fstype: string | null = 'ext4',
): TargetOutcome<InspectReport> => ({
  ok: true,
  instanceId,
  value: {
    attached: true,
    device: '/dev/nvme1n1',
    serial: '1',
    fstype,
    mountpoints,
    readOnly,
    reservation: null,
  },
});
const hung = (instanceId: string): TargetOutcome<InspectReport> => ({
  ok: false,
  instanceId,
  state: 'timeout',
  code: 'DeliveryTimeout',
  message: 'the guest did not answer',
});

describe('detachMountRule', () => {
  const d = disk(['i-a', 'i-b']);
  it('refuses a read-write mount naming the mountpoints; --force makes it a danger warning', () => {
    const fs = { outcomes: [mounted('i-a', ['/u01'])] };
    const [refused] = detachMountRule(d, [instance('i-a')], false, fs);
    expect(refused).toMatchObject({ code: 'detach_mounted', level: 'error', rule: 'mounts' });
    expect(refused?.message).toContain('Unmount first: i-a has it mounted at /u01 (read-write)');
    expect(refused?.message).toContain('--force');
    const [forced] = detachMountRule(d, [instance('i-a')], true, fs);
    expect(forced).toMatchObject({ code: 'detach_mounted_force', level: 'danger', facts: 'i-a:/u01(rw)' });
  });

  it('warns for a read-only mount, passes an unmounted or stopped instance', () => {
    expect(
      detachMountRule(d, [instance('i-a')], false, { outcomes: [mounted('i-a', ['/ro'], true)] })[0],
    ).toMatchObject({ code: 'detach_mounted_ro', level: 'warning' });
    const [clear] = detachMountRule(d, [instance('i-a'), instance('i-b', 'Stopped')], false, {
      outcomes: [mounted('i-a', [])],
    });
    expect(clear).toMatchObject({ code: 'detach_not_mounted', level: 'ok', facts: 'i-a:none;i-b:stopped' });
  });

  it('words --force per node state: a node fenced out of the reservation cannot write, so loses nothing', () => {
    const reservation = {
      holder: reservationKeyFor('i-b'),
      type: 'write_exclusive_registrants_only',
      registrants: [{ key: reservationKeyFor('i-b'), instanceId: 'i-b' }],
    };
    const fencedMount = mounted('i-a', ['/u01']);
    if (fencedMount.ok) fencedMount.value.reservation = reservation;
    const [forced] = detachMountRule(d, [instance('i-a')], true, { outcomes: [fencedMount] });
    expect(forced?.level).toBe('danger');
    expect(forced?.message).toContain(
      'i-a is fenced out of the NVMe reservation and cannot write, so no unflushed write is lost there',
    );
    expect(forced?.message).not.toContain('writes not yet flushed');
    const [live] = detachMountRule(d, [instance('i-a')], true, { outcomes: [mounted('i-a', ['/u01'])] });
    expect(live?.message).toContain('writes not yet flushed on a node that can write are lost');
    const [refused] = detachMountRule(d, [instance('i-a')], false, { outcomes: [fencedMount] });
    expect(refused?.message).toContain('gives the application there I/O errors (i-a is fenced out');
    expect(refused?.message).not.toContain('loses unflushed writes');
  });

  it('fails closed when the guest does not answer', () => {
    const [unknown] = detachMountRule(d, [instance('i-a')], false, { outcomes: [hung('i-a')] });
    expect(unknown).toMatchObject({ code: 'detach_mount_unknown', level: 'error' });
    expect(unknown?.message).toContain('DeliveryTimeout');
  });
});

describe('guardChange: run time against filing time', () => {
  const attachFs = (outcomes: TargetOutcome<InspectReport>[], allow = false) =>
    singleNodeFsRule(disk(['i-a']), ['i-b'], allow, { outcomes });

  it('stops when ext4 appeared since filing, saying where it is mounted', () => {
    const filed = attachFs([mounted('i-a', [], false, null)]);
    const now = attachFs([mounted('i-a', ['/data'])]);
    const change = guardChange(filed, now);
    expect(change?.rule).toBe('filesystem');
    expect(change?.message).toContain('holds ext4 (seen on i-a, mounted at /data)');
    expect(change?.message).toContain('When the card was filed: d-1 has no file system yet');
    expect(GUARD_CHANGED).toBe('guard_changed');
  });

  it('lets an unchanged override run, stops an override that now covers other facts', () => {
    const filed = attachFs([mounted('i-a', ['/data'])], true);
    expect(guardChange(filed, attachFs([mounted('i-a', ['/data'])], true))).toBeUndefined();
    expect(guardChange(filed, attachFs([mounted('i-a', ['/data', '/srv'])], true))?.after.facts).toBe(
      'fs=ext4;i-a:/data,/srv(rw)',
    );
  });

  it('ignores improvements; any error the card did not show is a change, unless the plan expects it', () => {
    const filed = attachFs([hung('i-a')], true);
    expect(guardChange(filed, attachFs([mounted('i-a', [], false, 'ocfs2')], true))).toBeUndefined();
    const stopped: Check = { code: 'instance_state', level: 'error', message: 'i-b is Stopped' };
    expect(guardChange([], [stopped])?.message).toContain('Now: i-b is Stopped');
    expect(guardChange([stopped], [stopped])).toBeUndefined();
    expect(guardChange([], [stopped], (c) => c.code === 'instance_state')).toBeUndefined();
  });

  it('audits the decision with the facts per instance and who overrode', () => {
    const fs = { outcomes: [mounted('i-a', ['/u01']), hung('i-b')] };
    const [check] = detachMountRule(disk(['i-a', 'i-b']), [instance('i-a'), instance('i-b')], true, fs);
    const record = guardAuditRecord({
      diskId: 'd-1',
      requestId: 'R-1',
      moment: 'run',
      check: check!,
      filesystem: fs,
      requesterId: 'U1',
      approvers: ['U2', 'U3'],
    });
    expect(record.event).toBe('guard');
    expect(record.details).toMatchObject({
      decision: 'overridden',
      facts: 'i-a:/u01(rw);i-b:unknown',
      approvers: ['U2', 'U3'],
      requesterId: 'U1',
    });
    expect(record.details.instances).toEqual([
      { instanceId: 'i-a', read: true, fstype: 'ext4', mountpoints: ['/u01'], readOnly: false },
      { instanceId: 'i-b', read: false, why: 'DeliveryTimeout: the guest did not answer' },
    ]);
  });
});

describe('detachMounted quorum', () => {
  it('raises a forced detach to detachMounted.quorum (default 2), never lowers it', () => {
    expect(requiredQuorum(defaultPolicy(), 'detach', { force: true })).toBe(2);
    const policy = parsePolicy('actions: { detach: { quorum: 3 } }\ndetachMounted: { quorum: 2 }\n');
    if (!policy.ok) throw new Error(policy.message);
    expect(requiredQuorum(policy.value, 'detach', { force: true })).toBe(3);
    expect(requiredQuorum(policy.value, 'attach', { force: true })).toBe(1);
  });
});
