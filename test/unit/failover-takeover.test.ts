/**
 * The built-in takeover's pieces without a cloud: the policy's `fencing.takeover`, the
 * `takeover-mount` script on this machine's real bash (fake sysfs, stub blkid/findmnt/mount), and
 * the mount-table rules a failover relies on (a verified report proves a silent host fenced; a
 * fenced host's stale mount raises no double-mount alert).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MountRow, mountAlertOf, provesFenced } from '../../src/cloud/mounts.js';
import {
  RESERVATION_TYPE,
  reservationKeyFor,
  SCRIPT_EXIT,
  scriptText,
  takeoverReportSchema,
} from '../../src/cloud/scripts/index.js';
import { parsePolicy } from '../../src/workflow/policy.js';

const dir = mkdtempSync(join(tmpdir(), 'sdb-takeover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('policy fencing.takeover', () => {
  it('accepts a mount point and options, with options defaulting to "defaults"', () => {
    const a = parsePolicy('fencing: { mode: reservation, takeover: { mount: /data, options: noatime } }');
    expect(a.ok && a.value.fencing.takeover).toEqual({ mount: '/data', options: 'noatime' });
    const b = parsePolicy('fencing: { takeover: { mount: /srv/pg_data-1 } }');
    expect(b.ok && b.value.fencing.takeover).toEqual({ mount: '/srv/pg_data-1', options: 'defaults' });
    const none = parsePolicy('fencing: { mode: detach }');
    expect(none.ok && none.value.fencing.takeover).toBeUndefined();
  });

  it.each([
    ['data', 'fencing.takeover.mount: expected an absolute mount point'],
    ['/', 'fencing.takeover.mount: expected an absolute mount point'],
    ['/data/../etc', 'fencing.takeover.mount: expected an absolute mount point'],
    ["/da'ta", 'fencing.takeover.mount: expected an absolute mount point'],
    ['/data, options: "noatime;reboot"', 'fencing.takeover.options: expected mount options'],
    ['/data, option: ro', 'fencing.takeover: unknown key "option"'],
  ])('refuses mount %j with the path of the error', (mount, expected) => {
    const r = parsePolicy(`fencing: { takeover: { mount: ${mount} } }`);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(expected);
  });
});

/** The script as Cloud Assistant runs it: parameters substituted, sysfs pointed at a fake tree. */
function run(params: Record<string, string>, tools: Record<string, string>, sys: string) {
  const text = scriptText('takeover-mount')
    .replace(/\{\{(\w+)\}\}/g, (_, name: string) => params[name] ?? '')
    .replace('sys_block=/sys/block', `sys_block=${sys}`);
  const bin = mkdtempSync(join(dir, 'bin-'));
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(join(bin, tool), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const file = join(bin, 'script.sh');
  writeFileSync(file, text);
  const r = spawnSync('bash', [file], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return { status: r.status, stdout: r.stdout + r.stderr, bin };
}

describe('the takeover-mount script on real bash', () => {
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'nvme1n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme1n1', 'device', 'serial'), 'bp1shared\n');
  const mountpoint = join(dir, 'mnt', 'data');
  const log = join(dir, 'mount.log');
  const tools = {
    blkid: 'echo ext4',
    findmnt: 'exit 1',
    mount: `printf '%s ' "$@" >>${log}; echo >>${log}`,
  };
  const params = { serial: 'bp1shared', mountpoint, options: 'noatime,nodiratime' };

  it('mounts the device at the mount point (created) with the options, and reports it as JSON', () => {
    const r = run(params, tools, sys);
    expect(r.status).toBe(0);
    expect(takeoverReportSchema.parse(JSON.parse(r.stdout))).toEqual({
      device: '/dev/nvme1n1',
      fstype: 'ext4',
      mountpoint,
      options: 'noatime,nodiratime',
      already: false,
    });
    expect(readFileSync(log, 'utf8').trim()).toBe(
      `-t ext4 -o noatime,nodiratime -- /dev/nvme1n1 ${mountpoint}`,
    );
    expect(spawnSync('test', ['-d', mountpoint]).status).toBe(0);
  });

  it('already mounted there: nothing to do', () => {
    rmSync(log, { force: true });
    const r = run(params, { ...tools, findmnt: 'exit 0' }, sys);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ already: true });
    expect(() => readFileSync(log)).toThrow();
  });

  it('fails by the contract: no file system (6), no device (3), mount error (5), bad parameters (2)', () => {
    expect(run(params, { ...tools, blkid: 'exit 2' }, sys)).toMatchObject({
      status: SCRIPT_EXIT.noFilesystem,
    });
    expect(run({ ...params, serial: 'bp1other' }, tools, sys).status).toBe(SCRIPT_EXIT.noDevice);
    const failed = run(params, { ...tools, mount: 'echo "wrong fs type"; exit 32' }, sys);
    expect([failed.status, failed.stdout]).toEqual([
      SCRIPT_EXIT.deviceError,
      `takeover-mount: mount /dev/nvme1n1 at ${mountpoint} failed: wrong fs type\n`,
    ]);
    for (const bad of [
      { mountpoint: 'data' },
      { mountpoint: '/' },
      { mountpoint: '/data/../etc' },
      { mountpoint: '/da ta' },
      { options: 'noatime;reboot' },
      { options: '' },
    ])
      expect(run({ ...params, ...bad }, tools, sys).status).toBe(SCRIPT_EXIT.usage);
  });
});

describe('mount-table rules a failover relies on', () => {
  const report = (registrants: { key: string; instanceId: string | null }[]) => ({
    holder: reservationKeyFor('i-new'),
    type: RESERVATION_TYPE,
    registrants,
  });
  const mine = { key: reservationKeyFor('i-new'), instanceId: null };

  it('a verified report proves a silent host fenced only when every registered key is accounted for', () => {
    expect(provesFenced(report([mine]), 'i-old', ['i-old', 'i-new'])).toBe(true);
    expect(
      provesFenced(report([mine, { key: reservationKeyFor('i-old'), instanceId: null }]), 'i-old', [
        'i-old',
        'i-new',
      ]),
    ).toBe(false);
    // A key nobody known holds could be the old primary's under another name.
    expect(provesFenced(report([mine, { key: '0x99', instanceId: null }]), 'i-old', ['i-old', 'i-new'])).toBe(
      false,
    );
    expect(provesFenced({ ...report([mine]), type: 'write-exclusive' }, 'i-old', ['i-old', 'i-new'])).toBe(
      false,
    );
    expect(provesFenced({ ...report([mine]), holder: null }, 'i-old', ['i-old', 'i-new'])).toBe(false);
    expect(provesFenced(null, 'i-old', ['i-old'])).toBe(false);
  });

  it('a fenced host’s stale mount raises no double-mount alert; two writers do', () => {
    const row = (instanceId: string, access: MountRow['access']): MountRow => ({
      instanceId,
      instanceState: 'Running',
      attachment: 'attached',
      device: '/dev/nvme1n1',
      fstype: 'ext4',
      mountpoints: ['/data'],
      access,
    });
    expect(mountAlertOf([row('i-old', 'fenced'), row('i-new', 'rw')])).toBeUndefined();
    expect(mountAlertOf([row('i-old', 'rw'), row('i-new', 'rw')])).toEqual({
      fstype: 'ext4',
      instanceIds: ['i-old', 'i-new'],
    });
  });
});
