/**
 * The OCFS2 init scripts on THIS machine's real bash with Debian's real ocfs2-tools, e2fsprogs,
 * xfsprogs and util-linux, on image FILES standing in for the NVMe device (no kernel module, no
 * losetup): a fake sysfs maps the serial to `nvme1n1`, and `dev_dir`/`conf_dir`/`fstab` point at a
 * scratch directory. Only what needs a kernel (o2cb online, mount) is a recording stub.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ocfs2ProbeSchema } from '../../src/cloud/ocfs2/reports.js';
import { SCRIPT_EXIT, type ScriptName, scriptText } from '../../src/cloud/scripts/index.js';

// The tools live in /usr/sbin, which a non-root PATH may lack.
process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const root = mkdtempSync(join(tmpdir(), 'sdb-ocfs2-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const HOST = execFileSync('bash', ['-c', 'hostname -s 2>/dev/null || uname -n | cut -d. -f1'], {
  encoding: 'utf8',
}).trim();
const UUID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

interface Box {
  dir: string;
  sys: string;
  dev: string;
  bin: string;
}

/** A scratch host: fake sysfs with nvme1n1 (serial bp1shared) and, if asked, partition nvme1n1p1. */
function box(name: string, partition = false): Box {
  const dir = join(root, name);
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'nvme1n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme1n1', 'device', 'serial'), 'bp1shared\n');
  if (partition) mkdirSync(join(sys, 'nvme1n1', 'nvme1n1p1'));
  const dev = join(dir, 'dev');
  mkdirSync(dev);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  return { dir, sys, dev, bin };
}

function image(path: string, mib: number, ...mkfs: string[]): void {
  execFileSync('truncate', ['-s', `${mib}M`, path]);
  if (mkfs.length > 0) execFileSync(mkfs[0] as string, [...mkfs.slice(1), path], { stdio: 'pipe' });
}

function stub(b: Box, tool: string, body: string): void {
  writeFileSync(join(b.bin, tool), `#!/bin/bash\n${body}\n`);
  chmodSync(join(b.bin, tool), 0o755);
}

function run(
  name: ScriptName,
  params: Record<string, string>,
  b: Box,
  mkfsMode = 'cluster',
): { status: number | null; out: string } {
  const text = scriptText(name)
    .replace(/\{\{(\w+)\}\}/g, (_, p: string) => params[p] ?? '')
    .replace('sys_block=/sys/block', `sys_block=${b.sys}`)
    .replace('dev_dir=/dev', `dev_dir=${b.dev}`)
    .replace('conf_dir=/etc/ocfs2', `conf_dir=${b.dir}/etc-ocfs2`)
    .replace('fstab=/etc/fstab', `fstab=${b.dir}/fstab`)
    .replace('o2cb_defaults=/etc/default/o2cb', `o2cb_defaults=${b.dir}/o2cb.defaults`)
    .replace('mkfs_mode=cluster', `mkfs_mode=${mkfsMode}`);
  const file = join(b.dir, `${name}.sh`);
  writeFileSync(file, text);
  const r = spawnSync('bash', [file], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${b.bin}:${process.env.PATH}` },
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

const probe = (b: Box, mountpoint = '/srv/shared-sdb-test') => {
  const r = run('ocfs2-probe', { serial: 'bp1shared', mountpoint, cluster: 'sdbd1' }, b);
  expect(r.status, r.out).toBe(0);
  return ocfs2ProbeSchema.parse(JSON.parse(r.out));
};

describe('ocfs2-probe (read-only signature detection)', () => {
  it('a blank image: attached, no signatures, tools and hostname reported', () => {
    const b = box('blank');
    image(join(b.dev, 'nvme1n1'), 64);
    const p = probe(b);
    expect(p).toMatchObject({
      attached: true,
      device: join(b.dev, 'nvme1n1'),
      signatures: [],
      hostname: HOST,
    });
    expect(p.tools).toEqual({ mkfs: true, o2cb: true });
    expect(p.installer).toBe('apt-get');
    expect(p.mountpoint).toEqual({ path: '/srv/shared-sdb-test', inUse: false, source: null, fstype: null });
    expect([p.ocfs2, p.members]).toEqual([null, '']);
  });

  it.each([
    ['ext4', 64, ['mkfs.ext4', '-q', '-F']],
    ['xfs', 320, ['mkfs.xfs', '-q', '-f']],
    ['ocfs2', 256, ['mkfs.ocfs2', '-q', '-M', 'local', '-N', '2']],
  ])('a real %s image is found by both wipefs and blkid', (fs, mib, mkfs) => {
    const b = box(`fs-${fs}`);
    image(join(b.dev, 'nvme1n1'), mib, ...mkfs);
    const p = probe(b);
    expect(p.signatures.length).toBeGreaterThan(0);
    expect(p.signatures.map((s) => s.type)).toContain(fs);
    expect(p.signatures.every((s) => s.device === join(b.dev, 'nvme1n1'))).toBe(true);
    if (fs === 'ocfs2') expect(p.ocfs2).toMatchObject({ slots: 2, label: '' });
    else expect(p.ocfs2).toBeNull();
  });

  it('a partitioned image: the table on the device and the file system on its partition', () => {
    const b = box('parted', true);
    image(join(b.dev, 'nvme1n1'), 64);
    execFileSync('sfdisk', ['-q', join(b.dev, 'nvme1n1')], { input: 'label: gpt\n,,L\n', stdio: 'pipe' });
    image(join(b.dev, 'nvme1n1p1'), 32, 'mkfs.ext4', '-q', '-F');
    const p = probe(b);
    const found = p.signatures.map((s) => `${s.device.replace(b.dev, '')}:${s.type}`);
    expect(found).toContain('/nvme1n1:gpt');
    expect(found).toContain('/nvme1n1p1:ext4');
  });

  it('not attached: no device, nothing probed; a mount point in use is reported', () => {
    const b = box('absent');
    writeFileSync(join(b.sys, 'nvme1n1', 'device', 'serial'), 'bp1another\n');
    const p = probe(b, '/proc');
    expect(p).toMatchObject({ attached: false, device: null, signatures: [] });
    expect(p.mountpoint).toMatchObject({ path: '/proc', inUse: true, fstype: 'proc' });
  });

  it('refuses a relative or dotted mount point (exit 2)', () => {
    const b = box('badmount');
    expect(run('ocfs2-probe', { serial: 'bp1shared', mountpoint: 'data', cluster: 'sdbd1' }, b).status).toBe(
      SCRIPT_EXIT.usage,
    );
    expect(
      run('ocfs2-probe', { serial: 'bp1shared', mountpoint: '/a/../b', cluster: 'sdbd1' }, b).status,
    ).toBe(SCRIPT_EXIT.usage);
  });
});

describe('ocfs2-cluster (the cluster description and the stack)', () => {
  /** Real o2cb for the config file; the kernel side (status, register) is a recording stub. */
  function o2cbStub(b: Box, online: boolean): void {
    stub(
      b,
      'o2cb',
      `case "$1" in
  cluster-status) [ -f "${b.dir}/online" ] ;;
  register-cluster) echo "register $2" >>"${b.dir}/calls"; touch "${b.dir}/online" ;;
  *) exec /usr/sbin/o2cb "$@" ;;
esac`,
    );
    if (online) writeFileSync(join(b.dir, 'online'), '');
  }
  const nodes = `${HOST}:10.0.0.1:0,other-node:10.0.0.2:1`;

  it('writes the description o2cb reads back, brings the stack online, and is idempotent', () => {
    const b = box('cluster');
    o2cbStub(b, false);
    const first = run('ocfs2-cluster', { cluster: 'sdbd1', nodes, install: 'no' }, b);
    expect(first.status, first.out).toBe(0);
    expect(JSON.parse(first.out)).toEqual({
      hostname: HOST,
      number: 0,
      cluster: 'sdbd1',
      written: true,
      installed: false,
      wasOnline: false,
      online: true,
    });
    const listed = execFileSync(
      'o2cb',
      [`--config-file=${b.dir}/etc-ocfs2/cluster.conf`, 'list-cluster', 'sdbd1'],
      { encoding: 'utf8' },
    );
    expect(listed).toMatch(
      new RegExp(`number = 0\\s+name = ${HOST}\\s+ip_address = 10\\.0\\.0\\.1\\s+ip_port = 7777`),
    );
    expect(listed).toMatch(/number = 1\s+name = other-node\s+ip_address = 10\.0\.0\.2\s+ip_port = 7777/);
    expect(listed).toMatch(/node_count = 2/);
    expect(readFileSync(join(b.dir, 'o2cb.defaults'), 'utf8')).toBe(
      'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=sdbd1\n',
    );
    image(join(b.dev, 'nvme1n1'), 16);
    expect(probe(b).members).toBe(nodes);
    const again = run('ocfs2-cluster', { cluster: 'sdbd1', nodes, install: 'no' }, b);
    expect(JSON.parse(again.out)).toMatchObject({ written: false, wasOnline: true });
    // Growing: a third node is written and registered with the running stack.
    const grown = run(
      'ocfs2-cluster',
      { cluster: 'sdbd1', nodes: `${nodes},third:10.0.0.3:2`, install: 'no' },
      b,
    );
    expect(JSON.parse(grown.out)).toMatchObject({ written: true, wasOnline: true });
    expect(readFileSync(join(b.dir, 'calls'), 'utf8')).toBe(
      'register sdbd1\nregister sdbd1\nregister sdbd1\n',
    );
  });

  it('refuses a description without this host, duplicate numbers and bad parameters', () => {
    const b = box('cluster-bad');
    o2cbStub(b, false);
    const missing = run('ocfs2-cluster', { cluster: 'sdbd1', nodes: 'a:10.0.0.1:0', install: 'no' }, b);
    expect([missing.status, missing.out]).toEqual([
      SCRIPT_EXIT.usage,
      `ocfs2-cluster: this host (${HOST}) is not a node of the cluster description; OCFS2 node names must equal hostnames\n`,
    ]);
    const dup = run(
      'ocfs2-cluster',
      { cluster: 'sdbd1', nodes: `${HOST}:10.0.0.1:0,b:10.0.0.2:0`, install: 'no' },
      b,
    );
    expect(dup.status).toBe(SCRIPT_EXIT.usage);
    expect(dup.out).toContain('add-node b failed');
    expect(run('ocfs2-cluster', { cluster: 'bad name', nodes, install: 'no' }, b).status).toBe(
      SCRIPT_EXIT.usage,
    );
    expect(run('ocfs2-cluster', { cluster: 'c', nodes: "x'; rm -rf /", install: 'no' }, b).status).toBe(
      SCRIPT_EXIT.usage,
    );
  });
});

describe('ocfs2-format (exactly once, only on a blank disk)', () => {
  const params = { serial: 'bp1shared', cluster: 'sdbd1', slots: '4', label: 'shared', uuid: UUID };

  it('its command line is what mkfs.ocfs2 -M local accepts on a file; a rerun is recognised', () => {
    const b = box('format');
    image(join(b.dev, 'nvme1n1'), 256);
    const r = run('ocfs2-format', params, b, 'local');
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      device: join(b.dev, 'nvme1n1'),
      uuid: UUID,
      label: 'shared',
      slots: 4,
      already: false,
    });
    const blk = execFileSync('blkid', ['-p', '-o', 'export', join(b.dev, 'nvme1n1')], { encoding: 'utf8' });
    expect(blk).toContain('TYPE=ocfs2');
    expect(blk).toContain(`UUID=${UUID}`);
    expect(blk).toContain('LABEL=shared');
    expect(JSON.parse(run('ocfs2-format', params, b, 'local').out)).toMatchObject({ already: true });
    // Another request's UUID sees a signature, not its own file system: refused.
    const other = run('ocfs2-format', { ...params, uuid: UUID.replace('0f1e', 'aaaa') }, b, 'local');
    expect(other.status).toBe(SCRIPT_EXIT.signature);
    expect(other.out).toMatch(/^ocfs2-format: refusing to format: signatures found: \[.*"type":"ocfs2"/);
  });

  it('refuses an ext4 disk without writing, and needs the stack online in cluster mode', () => {
    const b = box('format-ext4');
    image(join(b.dev, 'nvme1n1'), 64, 'mkfs.ext4', '-q', '-F');
    const before = readFileSync(join(b.dev, 'nvme1n1'));
    const r = run('ocfs2-format', params, b, 'local');
    expect(r.status).toBe(SCRIPT_EXIT.signature);
    expect(r.out).toContain('"type":"ext4"');
    expect(readFileSync(join(b.dev, 'nvme1n1')).equals(before)).toBe(true);
    stub(b, 'o2cb', 'exit 1');
    const offline = run('ocfs2-format', params, b);
    expect([offline.status, offline.out]).toEqual([
      5,
      "ocfs2-format: the o2cb cluster sdbd1 is not online here: mkfs.ocfs2 needs it to see other nodes' mounts\n",
    ]);
    expect(run('ocfs2-format', { ...params, slots: '0' }, b, 'local').status).toBe(SCRIPT_EXIT.usage);
  });
});

describe('ocfs2-mount (fstab with _netdev, idempotent)', () => {
  it('mounts by device, persists one fstab line, refuses a disk without this file system', () => {
    const b = box('mount');
    image(join(b.dev, 'nvme1n1'), 256, 'mkfs.ocfs2', '-q', '-M', 'local', '-N', '2', '-U', UUID);
    writeFileSync(join(b.dir, 'fstab'), '# fstab\n');
    stub(b, 'mount', `echo "$*" >>"${b.dir}/mounts"`);
    const mp = join(b.dir, 'mnt', 'shared');
    const params = { serial: 'bp1shared', mountpoint: mp, uuid: UUID };
    const r = run('ocfs2-mount', params, b);
    expect(r.status, r.out).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      device: join(b.dev, 'nvme1n1'),
      mountpoint: mp,
      fstabAdded: true,
      already: false,
    });
    expect(JSON.parse(run('ocfs2-mount', params, b).out)).toMatchObject({ fstabAdded: false });
    expect(readFileSync(join(b.dir, 'fstab'), 'utf8')).toBe(
      `# fstab\nUUID=${UUID} ${mp} ocfs2 _netdev,defaults 0 0\n`,
    );
    expect(readFileSync(join(b.dir, 'mounts'), 'utf8').split('\n')[0]).toBe(
      `-t ocfs2 -o _netdev,defaults ${join(b.dev, 'nvme1n1')} ${mp}`,
    );
    const wrong = run('ocfs2-mount', { ...params, uuid: UUID.replace('0f1e', 'bbbb') }, b);
    expect(wrong.status).toBe(SCRIPT_EXIT.noFilesystem);
    // ocfs2-leave: not mounted here (no umount call), the fstab line dropped once, others kept.
    stub(b, 'umount', `echo "$*" >>"${b.dir}/umounts"`);
    const left = run('ocfs2-leave', params, b);
    expect(left.status, left.out).toBe(0);
    expect(JSON.parse(left.out)).toEqual({ mountpoint: mp, unmounted: false, fstabRemoved: true });
    expect(readFileSync(join(b.dir, 'fstab'), 'utf8')).toBe('# fstab\n');
    expect(JSON.parse(run('ocfs2-leave', params, b).out)).toMatchObject({ fstabRemoved: false });
    expect(existsSync(join(b.dir, 'umounts'))).toBe(false);
  });
});
