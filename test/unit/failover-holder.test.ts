/**
 * Issue 21 point 1: the failover card states only what was read. The bug: a node just fenced out
 * of the NVMe reservation (attached, unregistered) showed "✓ <node> holds the disk now".
 */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo } from '../../src/cloud/gateway.js';
import { failoverHolderChecks, reservationRead } from '../../src/cloud/preflight/reservation-facts.js';
import {
  type InspectReport,
  type ReservationReport,
  reservationKeyFor,
} from '../../src/cloud/scripts/index.js';
import { attachmentsOn, diskInfo } from '../support/disk-info.js';

const disk: DiskInfo = diskInfo({ attachments: attachmentsOn(['i-old', 'i-new'], '/dev/vdb') });
const params = { diskId: 'd-1', fromInstanceId: 'i-old', toInstanceId: 'i-new' };
const key = reservationKeyFor;
const reservation = (holder: string | null, registered: string[]): ReservationReport => ({
  holder: holder === null ? null : key(holder),
  type: 'write_exclusive_registrants_only',
  registrants: registered.map((id) => ({ key: key(id), instanceId: id })),
});
const byCode = (checks: readonly { code: string; level: string; message: string }[], code: string) =>
  checks.find((c) => c.code === code);

describe('failover holder checks', () => {
  it('a source fenced out of the reservation never shows as holding the disk, and the card says it is fenced', () => {
    const checks = failoverHolderChecks(params, disk, reservation('i-new', ['i-new']));
    expect(checks.map((c) => c.message).join(' ')).not.toContain('holds the disk');
    const fenced = byCode(checks, 'from_fenced');
    expect(fenced?.level).toBe('warning');
    expect(fenced?.message).toContain('i-old is attached but already fenced out of the NVMe reservation');
    expect(fenced?.message).toContain('i-new holds the reservation');
    expect(byCode(checks, 'from_attached')).toBeUndefined();
  });

  it('the holder is named as the writer only when the reservation shows its key', () => {
    const checks = failoverHolderChecks(params, disk, reservation('i-old', ['i-old', 'i-new']));
    expect(checks).toEqual([
      {
        code: 'from_attached',
        level: 'ok',
        message: 'i-old is attached and holds the NVMe reservation: it is the writer now.',
      },
    ]);
  });

  it('a failover to a fenced node says so', () => {
    const checks = failoverHolderChecks(params, disk, reservation('i-old', ['i-old']));
    expect(byCode(checks, 'to_fenced')?.message).toBe(
      'i-new is fenced out of the NVMe reservation: it cannot write until this failover registers it again.',
    );
  });

  it('without a reservation read, only the attachment is stated', () => {
    expect(failoverHolderChecks(params, disk, undefined)).toEqual([
      {
        code: 'from_attached',
        level: 'ok',
        message: 'i-old is attached to the disk (its NVMe reservation was not read).',
      },
    ]);
  });

  it('fencing a Running OCFS2 node says it loses write access and OCFS2 evicts it, even with green checks', () => {
    const checks = failoverHolderChecks(params, disk, reservation('i-old', ['i-old', 'i-new']), {
      status: 'Running',
      fstype: 'ocfs2',
    });
    expect(byCode(checks, 'fences_running_node')).toEqual({
      code: 'fences_running_node',
      level: 'warning',
      message:
        'i-old is Running: this failover fences it, so it loses write access to the disk at once. OCFS2 will evict it from the cluster: its mount fails until it is unmounted and rejoins. Approve only if it is really down, or its applications are stopped.',
    });
    const stopped = failoverHolderChecks(params, disk, undefined, { status: 'Stopped', fstype: 'ocfs2' });
    expect(byCode(stopped, 'fences_running_node')).toBeUndefined();
    const ext4 = failoverHolderChecks(params, disk, undefined, { status: 'Running', fstype: 'ext4' });
    expect(byCode(ext4, 'fences_running_node')?.message).not.toContain('OCFS2');
  });

  it('a source not attached is refused as before', () => {
    const alone = { ...disk, attachments: disk.attachments.slice(1) };
    expect(failoverHolderChecks(params, alone, undefined).map((c) => [c.code, c.level])).toEqual([
      ['from_not_attached', 'error'],
    ]);
  });

  it('the reservation comes from the first guest that could read it', () => {
    const report = (r: ReservationReport | null): InspectReport => ({
      attached: true,
      device: '/dev/nvme1n1',
      serial: '1',
      fstype: null,
      mountpoints: [],
      readOnly: false,
      reservation: r,
    });
    const read = reservation('i-new', ['i-new']);
    const outcomes: TargetOutcome<InspectReport>[] = [
      { instanceId: 'i-x', ok: false, state: 'timeout', code: 'no_answer', message: 'no answer' },
      { instanceId: 'i-y', ok: true, value: report(null) },
      { instanceId: 'i-new', ok: true, value: report(read) },
    ];
    expect(reservationRead({ outcomes })).toEqual(read);
    expect(reservationRead(undefined)).toBeUndefined();
  });
});
