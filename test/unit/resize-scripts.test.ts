/**
 * The resize scripts on THIS machine's real bash with Debian's real e2fsprogs, ocfs2-tools and
 * util-linux (sfdisk), on image FILES standing in for the NVMe device: a fake sysfs maps the serial
 * to `nvme1n1` and holds the size the "kernel" sees. Only what needs a kernel is a recording stub:
 * `nvme ns-rescan` (it copies the image's size into the fake sysfs, as the controller would) and
 * `partx -u` (it sets the partition file's length from the partition table, as BLKPG would).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  fsGrowReportSchema,
  rescanReportSchema,
  SCRIPT_EXIT,
  type ScriptName,
  scriptText,
} from '../../src/cloud/scripts/index.js';

process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const root = mkdtempSync(join(tmpdir(), 'sdb-resize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const MiB = 1024 * 1024;

interface Box {
  dir: string;
  sys: string;
  dev: string;
  bin: string;
}

function box(name: string, partition = false): Box {
  const dir = join(root, name);
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'nvme1n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme1n1', 'device', 'serial'), 'bp1shared\n');
  if (partition) mkdirSync(join(sys, 'nvme1n1', 'nvme1n1p1'));
  const dev = join(dir, 'dev');
  const bin = join(dir, 'bin');
  mkdirSync(dev);
  mkdirSync(bin);
  return { dir, sys, dev, bin };
}

function stub(b: Box, tool: string, body: string): void {
  writeFileSync(join(b.bin, tool), `#!/bin/bash\n${body}\n`);
  chmodSync(join(b.bin, tool), 0o755);
}

/** The size the fake kernel reports for the namespace, in 512-byte sectors like sysfs. */
const setKernelSize = (b: Box, bytes: number) =>
  writeFileSync(join(b.sys, 'nvme1n1', 'size'), `${bytes / 512}\n`);

function run(
  name: ScriptName,
  params: Record<string, string>,
  b: Box,
): { status: number | null; out: string } {
  const text = scriptText(name)
    .replace(/\{\{(\w+)\}\}/g, (_, p: string) => params[p] ?? '')
    .replace('sys_block=/sys/block', `sys_block=${b.sys}`)
    .replace('dev_dir=/dev', `dev_dir=${b.dev}`)
    .replace('sys_class_nvme=/sys/class/nvme', `sys_class_nvme=${b.dir}/class-nvme`);
  const file = join(b.dir, `${name}.sh`);
  writeFileSync(file, text);
  const r = spawnSync('bash', [file], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${b.bin}:${process.env.PATH}` },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** `nvme ns-rescan` as a controller that sends the new size: sysfs follows the image file. */
const rescanningNvme = (b: Box) =>
  stub(
    b,
    'nvme',
    `echo "$*" >>"${b.dir}/nvme.log"\n[ "$1" = ns-rescan ] || exit 1\necho $(( $(stat -c %s "${b.dev}/nvme1n1") / 512 )) >"${b.sys}/nvme1n1/size"`,
  );

describe('rescan: re-read the namespace and report the size the guest sees', () => {
  it('a controller that picks up the new size: the report says it sees it, via nvme ns-rescan', () => {
    const b = box('rescan-ok');
    execFileSync('truncate', ['-s', '2G', join(b.dev, 'nvme1n1')]);
    setKernelSize(b, 1024 * MiB);
    rescanningNvme(b);
    const r = run('rescan', { serial: 'bp1shared', expectGiB: '2', waitSec: '0' }, b);
    expect(r.status, r.out).toBe(0);
    expect(rescanReportSchema.parse(JSON.parse(r.out))).toEqual({
      device: join(b.dev, 'nvme1n1'),
      sizeBytes: 2048 * MiB,
      sizeGiB: 2,
      expectGiB: 2,
      sees: true,
      attempts: 1,
      method: 'nvme-ns-rescan',
    });
    expect(readFileSync(join(b.dir, 'nvme.log'), 'utf8')).toBe(`ns-rescan ${join(b.dev, 'nvme1')}\n`);
  });

  it('a controller that ignores it: retries for the bounded time, then reports the old size (exit 0)', () => {
    const b = box('rescan-stale');
    setKernelSize(b, 1024 * MiB);
    stub(b, 'nvme', 'exit 0');
    // 2 s, the shortest bound that always leaves room for a second attempt: bash's SECONDS counts
    // whole seconds, so a 1 s bound can end before the first sleep when a second boundary is near.
    const r = run('rescan', { serial: 'bp1shared', expectGiB: '2', waitSec: '2' }, b);
    expect(r.status, r.out).toBe(0);
    const report = rescanReportSchema.parse(JSON.parse(r.out));
    expect(report).toMatchObject({ sizeGiB: 1, expectGiB: 2, sees: false });
    expect(report.attempts).toBeGreaterThanOrEqual(2);
  });

  it('without nvme-cli it writes rescan_controller; with neither it exits noTool', () => {
    const b = box('rescan-sysfs');
    setKernelSize(b, 1024 * MiB);
    stub(b, 'nvme', 'exit 127');
    const ctrl = join(b.dir, 'class-nvme', 'nvme1');
    mkdirSync(ctrl, { recursive: true });
    writeFileSync(join(ctrl, 'rescan_controller'), '');
    const r = run('rescan', { serial: 'bp1shared', expectGiB: '1', waitSec: '0' }, b);
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ method: 'rescan_controller', sees: true });
    expect(readFileSync(join(ctrl, 'rescan_controller'), 'utf8')).toBe('1\n');
    rmSync(join(ctrl, 'rescan_controller'));
    expect(run('rescan', { serial: 'bp1shared', expectGiB: '1', waitSec: '0' }, b).status).toBe(
      SCRIPT_EXIT.noTool,
    );
  });

  it('refuses malformed parameters and a serial this host does not have', () => {
    const b = box('rescan-bad');
    setKernelSize(b, 1024 * MiB);
    expect(run('rescan', { serial: 'bp1shared', expectGiB: '2x', waitSec: '0' }, b).status).toBe(
      SCRIPT_EXIT.usage,
    );
    expect(run('rescan', { serial: 'bp1other', expectGiB: '2', waitSec: '0' }, b).status).toBe(
      SCRIPT_EXIT.noDevice,
    );
  });
});

const ocfs2Clusters = (image: string): number => {
  const out = execFileSync('debugfs.ocfs2', ['-R', 'stats', image], { encoding: 'utf8' });
  return Number(/Clusters: (\d+)/.exec(out)?.[1]);
};
const ext4Blocks = (image: string): number => {
  const out = execFileSync('dumpe2fs', ['-h', image], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return Number(/Block count:\s+(\d+)/.exec(out)?.[1]);
};

describe('fs-grow: the file system (and partition) on one node, with the real tools', () => {
  it('OCFS2: tunefs.ocfs2 -S grows a grown local-mode image to the device size', () => {
    const b = box('grow-ocfs2');
    const img = join(b.dev, 'nvme1n1');
    execFileSync('truncate', ['-s', '256M', img]);
    execFileSync('mkfs.ocfs2', ['-q', '-M', 'local', '-N', '2', '-C', '4K', '-b', '4K', img], {
      stdio: 'pipe',
    });
    const before = ocfs2Clusters(img);
    execFileSync('truncate', ['-s', '512M', img]);
    const r = run('fs-grow', { serial: 'bp1shared', role: 'filesystem' }, b);
    expect(r.status, r.out).toBe(0);
    expect(fsGrowReportSchema.parse(JSON.parse(r.out))).toEqual({
      device: img,
      partition: null,
      role: 'filesystem',
      partitionGrown: false,
      fstype: 'ocfs2',
      grown: true,
    });
    expect(before).toBe(65536);
    expect(ocfs2Clusters(img)).toBe(131072);
  });

  it('ext4 on a GPT partition: phase partition (sfdisk, partx -u), then phase filesystem (resize2fs)', () => {
    const b = box('grow-part', true);
    const disk = join(b.dev, 'nvme1n1');
    const part = join(b.dev, 'nvme1n1p1');
    execFileSync('truncate', ['-s', '64M', disk]);
    execFileSync('sfdisk', ['-q', disk], { input: 'label: gpt\n,,L\n', stdio: 'pipe' });
    const partBytes = () =>
      Number(/size=\s*(\d+)/.exec(execFileSync('sfdisk', ['-d', disk], { encoding: 'utf8' }))?.[1]) * 512;
    // The partition's own image stands in for the kernel's partition device.
    execFileSync('truncate', ['-s', String(partBytes()), part]);
    execFileSync('mkfs.ext4', ['-q', '-F', '-b', '4096', part], { stdio: 'pipe' });
    const before = ext4Blocks(part);
    execFileSync('truncate', ['-s', '128M', disk]);
    stub(
      b,
      'partx',
      `echo "$*" >>"${b.dir}/partx.log"\nsize=$(sfdisk -d "$2" | sed -n 's/.*size= *\\([0-9]*\\).*/\\1/p' | head -n 1)\ntruncate -s $((size * 512)) "${part}"`,
    );
    const grownPart = run('fs-grow', { serial: 'bp1shared', role: 'partition' }, b);
    expect(grownPart.status, grownPart.out).toBe(0);
    expect(JSON.parse(grownPart.out)).toEqual({
      device: disk,
      partition: part,
      role: 'partition',
      partitionGrown: true,
      fstype: 'ext4',
      grown: false,
    });
    expect(readFileSync(join(b.dir, 'partx.log'), 'utf8')).toBe(`-u ${disk}\n`);
    expect(ext4Blocks(part)).toBe(before);
    const r = run('fs-grow', { serial: 'bp1shared', role: 'filesystem' }, b);
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ role: 'filesystem', partitionGrown: false, grown: true });
    // The file-system phase leaves the partition table alone.
    expect(readFileSync(join(b.dir, 'partx.log'), 'utf8')).toBe(`-u ${disk}\n`);
    expect(partBytes()).toBeGreaterThan(120 * MiB);
    // resize2fs fills the partition the kernel reported, in whole 4 KiB blocks.
    expect(ext4Blocks(part)).toBe(Math.floor(partBytes() / 4096));
    expect(before).toBeLessThan(16 * 1024);
  });

  it('role reread on another node: partx -u only, nothing grown or written', () => {
    const b = box('reread', true);
    const disk = join(b.dev, 'nvme1n1');
    execFileSync('truncate', ['-s', '64M', disk]);
    execFileSync('sfdisk', ['-q', disk], { input: 'label: gpt\n,,L\n', stdio: 'pipe' });
    const table = execFileSync('sfdisk', ['-d', disk], { encoding: 'utf8' });
    stub(b, 'partx', `echo "$*" >>"${b.dir}/partx.log"`);
    const r = run('fs-grow', { serial: 'bp1shared', role: 'reread' }, b);
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ role: 'reread', partitionGrown: false, grown: false });
    expect(readFileSync(join(b.dir, 'partx.log'), 'utf8')).toBe(`-u ${disk}\n`);
    expect(execFileSync('sfdisk', ['-d', disk], { encoding: 'utf8' })).toBe(table);
  });

  it('no file system: the device only; XFS not mounted here is refused; a bad role is a usage error', () => {
    const blank = box('grow-blank');
    execFileSync('truncate', ['-s', '64M', join(blank.dev, 'nvme1n1')]);
    const r = run('fs-grow', { serial: 'bp1shared', role: 'filesystem' }, blank);
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ fstype: null, grown: false, partition: null });
    expect(run('fs-grow', { serial: 'bp1shared', role: 'all' }, blank).status).toBe(SCRIPT_EXIT.usage);
    const xfs = box('grow-xfs');
    execFileSync('truncate', ['-s', '320M', join(xfs.dev, 'nvme1n1')]);
    execFileSync('mkfs.xfs', ['-q', '-f', join(xfs.dev, 'nvme1n1')], { stdio: 'pipe' });
    const refused = run('fs-grow', { serial: 'bp1shared', role: 'filesystem' }, xfs);
    expect(refused.status).toBe(SCRIPT_EXIT.deviceError);
    expect(refused.out).toMatch(/XFS grows only while mounted/);
  });
});
