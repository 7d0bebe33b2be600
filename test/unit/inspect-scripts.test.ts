/**
 * The bot's Cloud Assistant scripts on THIS machine's real bash: no NVMe device and no nvme-cli
 * here, so inspect prints the not-present JSON and the reservation scripts fail cleanly. A fake
 * sysfs and stub tools (findmnt, blkid, nvme on PATH) drive the attached path and the JSON escaping.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  INSTANCE_ID_BUILTIN,
  inspectDisksReportSchema,
  inspectReportSchema,
  reservationKeyFor,
  reservationReportSchema,
  SCRIPT_EXIT,
  SCRIPTS,
  type ScriptName,
  scriptText,
} from '../../src/cloud/scripts/index.js';
import { checkCommand, referencedNames } from '../../src/emulator/command-params.js';
import { SEED } from '../../src/emulator/index.js';
import {
  BOT_SCRIPTS,
  SCRIPT_EXIT as EMULATOR_EXIT,
  hostKeyFor,
  parseScriptMarker,
} from '../../src/emulator/scripts.js';

const dir = mkdtempSync(join(tmpdir(), 'sdb-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What Cloud Assistant does with EnableParameter: replace each `{{ name }}` (blanks ignored, names
 * case-insensitive) with its value; built-ins such as `ACS::InstanceId` are given per host here.
 */
function substitute(text: string, params: Record<string, string>): string {
  const byLower = new Map(Object.entries(params).map(([k, v]) => [k.toLowerCase(), v]));
  return text.replace(
    /\{\{\s*([^{}]*?)\s*\}\}/g,
    (whole, name: string) => byLower.get(name.toLowerCase()) ?? whole,
  );
}

const HOST = 'i-bp1host01';
const ON_HOST = { 'ACS::InstanceId': HOST };

function run(
  name: ScriptName,
  params: Record<string, string>,
  options: { sysBlock?: string; path?: string } = {},
): { status: number | null; stdout: string } {
  let text = substitute(scriptText(name), params);
  if (options.sysBlock) text = text.replace('sys_block=/sys/block', `sys_block=${options.sysBlock}`);
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, text);
  const env = {
    ...process.env,
    PATH: options.path ? `${options.path}:${process.env.PATH}` : (process.env.PATH ?? ''),
  };
  const r = spawnSync('bash', [file], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout + r.stderr };
}

function stubs(name: string, files: Record<string, string>): string {
  const bin = join(dir, name);
  mkdirSync(bin, { recursive: true });
  for (const [tool, body] of Object.entries(files)) {
    writeFileSync(join(bin, tool), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

/** nvme-cli's resv-report text: the first key holds, upper case with leading zeros as printed. */
const resvReport = (holder: string) => `
NVME Reservation status:

gen       : 3
regctl    : 2
rtype     : 3
ptpls     : 0
regctl[0] :
  cntlid  : 0
  rcsts   : 1
  hostid  : 0
  rkey    : 0${holder.replace(/^0x/, '').toUpperCase()}
regctl[1] :
  cntlid  : 1
  rcsts   : 0
  hostid  : 0
  rkey    : 2
`;
const HOST_KEY = reservationKeyFor(HOST);

describe('the script contract', () => {
  it('matches the emulator’s names, versions, parameters and exit codes', () => {
    for (const [name, spec] of Object.entries(SCRIPTS)) {
      expect(BOT_SCRIPTS[name as keyof typeof BOT_SCRIPTS]).toEqual(spec);
      expect(parseScriptMarker(scriptText(name as ScriptName))).toEqual({ name, version: spec.version });
    }
    for (const [k, v] of Object.entries(EMULATOR_EXIT))
      expect(SCRIPT_EXIT[k as keyof typeof SCRIPT_EXIT]).toBe(v);
  });

  it('derives a stable, valid, per-instance reservation key, the same as the emulator’s', () => {
    const a = reservationKeyFor('i-one');
    expect(a).toBe(reservationKeyFor('i-one'));
    expect(a).not.toBe(reservationKeyFor('i-two'));
    expect(a).toMatch(/^0x[0-9a-f]{15}$/);
    for (const id of SEED.instances.nvmeI.map((i) => i.id))
      expect(hostKeyFor(id)).toBe(reservationKeyFor(id));
  });

  it('sends no per-host parameter: the reservation scripts take their key from {{ACS::InstanceId}}', () => {
    for (const name of ['nvme-register', 'nvme-register-inspect', 'nvme-acquire', 'nvme-preempt'] as const) {
      expect(SCRIPTS[name].params).not.toContain('key');
      expect(SCRIPTS[name].builtins).toEqual([INSTANCE_ID_BUILTIN]);
      expect(referencedNames(scriptText(name))).toContain(INSTANCE_ID_BUILTIN);
    }
    // What the emulator checks before running anything holds for every script.
    for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
      const params = Object.fromEntries(SCRIPTS[name].params.map((p) => [p, '0x2']));
      expect(() =>
        checkCommand({
          content: scriptText(name),
          enableParameter: true,
          parameters: params,
          instanceCount: 100,
        }),
      ).not.toThrow();
    }
  });
});

describe('on this machine (no NVMe device, no nvme-cli)', () => {
  it('inspect prints the not-present JSON, parsed by the bot’s own schema', () => {
    const r = run('inspect', { serial: 'bp1nosuchdisk' });
    expect(r.status).toBe(0);
    expect(inspectReportSchema.parse(JSON.parse(r.stdout))).toEqual({
      attached: false,
      device: null,
      serial: 'bp1nosuchdisk',
      fstype: null,
      mountpoints: [],
      readOnly: false,
      reservation: null,
      sizeGiB: null,
    });
  });

  it.each([
    ['nvme-register', ON_HOST],
    ['nvme-register-inspect', ON_HOST],
    ['nvme-acquire', ON_HOST],
    ['nvme-preempt', { ...ON_HOST, victimKey: '0x2' }],
    ['nvme-report', {}],
  ] as const)('%s fails cleanly: nvme-cli is missing', (name, extra) => {
    const r = run(name, { serial: 'bp1x', ...extra });
    expect(r.status).toBe(SCRIPT_EXIT.noTool);
    expect(r.stdout).toBe(
      `${name}: nvme-cli is not installed on this host (no "nvme" command); install the nvme-cli package to use NVMe reservations\n`,
    );
  });

  it('with nvme-cli but no device, the reservation scripts say so (exit 3)', () => {
    const bin = stubs('nvme-only', { nvme: 'echo unexpected; exit 9' });
    const r = run('nvme-report', { serial: 'bp1x' }, { path: bin });
    expect([r.status, r.stdout]).toEqual([
      SCRIPT_EXIT.noDevice,
      'nvme-report: no NVMe device with serial bp1x on this host\n',
    ]);
  });

  it('refuses malformed parameters before touching anything (exit 2)', () => {
    // Quotes never reach a script: the bot refuses such serials before sending (SAFE_SERIAL).
    expect(run('inspect', { serial: 'bp1 x!' }).status).toBe(SCRIPT_EXIT.usage);
    expect(run('inspect', {}).status).toBe(SCRIPT_EXIT.usage);
    const unsubstituted = run('nvme-register', { serial: 'bp1x' });
    expect([unsubstituted.status, unsubstituted.stdout]).toEqual([
      SCRIPT_EXIT.usage,
      'nvme-register: the built-in parameter ACS::InstanceId was not substituted (got "{{ACS::InstanceId}}"); send the script with EnableParameter=true to a Cloud Assistant agent 2.2.3.309 or later\n',
    ]);
    expect(run('nvme-preempt', { serial: 'bp1x', ...ON_HOST, victimKey: '0' }).status).toBe(
      SCRIPT_EXIT.usage,
    );
    expect(run('nvme-preempt', { serial: 'bp1x', ...ON_HOST, victimKey: HOST_KEY }).stdout).toContain(
      'victimKey must differ',
    );
  });
});

describe('with a fake sysfs and stub tools (the attached path)', () => {
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'nvme1n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme1n1', 'device', 'serial'), '  bp1shared  \n');
  writeFileSync(join(sys, 'nvme1n1', 'ro'), '0\n');
  // 80 GiB in 512-byte sectors: the size the guest sees.
  writeFileSync(join(sys, 'nvme1n1', 'size'), `${80 * 2 * 1024 * 1024}\n`);
  const tools = {
    // findmnt -r escapes blanks and backslashes as \xHH; the script must undo exactly that.
    findmnt: `[ "$3" = /dev/nvme1n1 ] && printf '%s\\n' '/data\\x20dir rw,relatime' '/mnt/q"uote\\x5ctab ro,relatime'`,
    blkid: 'echo ext4',
    nvme: `if [ "$1" = resv-report ]; then cat <<'R'\n${resvReport('0xabc')}\nR\nelse echo "NVMe status: RESERVATION_CONFLICT(0x83)"; exit 1; fi`,
  };

  it('inspect finds the device by serial and escapes mount points into valid JSON', () => {
    const r = run('inspect', { serial: 'bp1shared' }, { sysBlock: sys, path: stubs('attached', tools) });
    expect(r.status).toBe(0);
    expect(inspectReportSchema.parse(JSON.parse(r.stdout))).toEqual({
      attached: true,
      device: '/dev/nvme1n1',
      serial: 'bp1shared',
      fstype: 'ext4',
      mountpoints: ['/data dir', '/mnt/q"uote\\tab'],
      readOnly: false,
      sizeGiB: 80,
      reservation: {
        holder: '0xabc',
        registrants: [
          { key: '0xabc', instanceId: null },
          { key: '0x2', instanceId: null },
        ],
        type: 'write-exclusive-registrants-only',
      },
    });
  });

  it('without nvme-cli the reservation is null (unknown), the rest still reported', () => {
    const { nvme: _, ...noNvme } = tools;
    const r = run('inspect', { serial: 'bp1shared' }, { sysBlock: sys, path: stubs('no-nvme', noNvme) });
    expect(JSON.parse(r.stdout)).toMatchObject({ attached: true, fstype: 'ext4', reservation: null });
  });

  it('maps a reservation conflict to exit 1 and skips work already done', () => {
    // The host's own derived key holds the reservation (printed in upper case with a leading 0).
    const path = stubs('conflict', {
      ...tools,
      nvme: `if [ "$1" = resv-report ]; then cat <<'R'\n${resvReport(HOST_KEY)}\nR\nelse echo "NVMe status: RESERVATION_CONFLICT(0x83)"; exit 1; fi`,
    });
    const conflict = run(
      'nvme-preempt',
      { serial: 'bp1shared', ...ON_HOST, victimKey: '0x2' },
      { sysBlock: sys, path },
    );
    expect(conflict.status).toBe(SCRIPT_EXIT.conflict);
    expect(conflict.stdout).toMatch(/^nvme-preempt: reservation conflict: NVMe status: RESERVATION_CONFLICT/);
    // Already registered and already the holder: no nvme call that could conflict is made.
    for (const name of ['nvme-register', 'nvme-acquire'] as const) {
      const r = run(name, { serial: 'bp1shared', ...ON_HOST }, { sysBlock: sys, path });
      expect(r.status).toBe(0);
      expect(reservationReportSchema.parse(JSON.parse(r.stdout)).holder).toBe(HOST_KEY);
    }
    const inspected = run(
      'nvme-register-inspect',
      { serial: 'bp1shared', ...ON_HOST },
      { sysBlock: sys, path },
    );
    expect(inspected.status).toBe(0);
    expect(inspectReportSchema.parse(JSON.parse(inspected.stdout)).reservation?.holder).toBe(HOST_KEY);
    // Not registered, and the controller refuses: nvme-register's failure, under this script's name.
    const refused = run(
      'nvme-register-inspect',
      { serial: 'bp1shared', ...ON_HOST },
      { sysBlock: sys, path: stubs('refused', tools) },
    );
    expect(refused.status).toBe(SCRIPT_EXIT.conflict);
    expect(refused.stdout).toMatch(/^nvme-register-inspect: reservation conflict: NVMe status/);
  });

  it('each host registers the key the bot derives from its instance id (real sha256sum)', () => {
    // A stateful nvme stub: resv-register stores --nrkey, resv-report prints what is stored.
    const state = join(dir, 'registered');
    const path = stubs('register', {
      ...tools,
      nvme: `case $1 in
  resv-register) for a in "$@"; do case $a in --nrkey=*) echo "\${a#--nrkey=}" >>'${state}' ;; esac; done ;;
  resv-report) echo 'NVME Reservation status:'; echo 'rtype : 0'
    while read -r k; do echo ' rcsts : 0'; echo " rkey : \${k#0x}"; done <'${state}' 2>/dev/null ;;
esac`,
    });
    const ids = SEED.instances.nvmeI.slice(0, 4).map((i) => i.id);
    for (const id of ids) {
      rmSync(state, { force: true });
      const r = run('nvme-register', { serial: 'bp1shared', 'acs::instanceid': id }, { sysBlock: sys, path });
      expect(r.status).toBe(0);
      const keys = reservationReportSchema.parse(JSON.parse(r.stdout)).registrants.map((x) => x.key);
      expect(keys.map((k) => BigInt(k))).toEqual([BigInt(reservationKeyFor(id))]);
    }
    // nvme-register-inspect: the same registration, then the inspect report read after it.
    rmSync(state, { force: true });
    const r = run('nvme-register-inspect', { serial: 'bp1shared', ...ON_HOST }, { sysBlock: sys, path });
    expect(r.status).toBe(0);
    const report = inspectReportSchema.parse(JSON.parse(r.stdout));
    expect(report).toMatchObject({ attached: true, device: '/dev/nvme1n1', fstype: 'ext4', sizeGiB: 80 });
    expect(report.mountpoints).toEqual(['/data dir', '/mnt/q"uote\\tab']);
    expect(report.reservation?.registrants.map((x) => BigInt(x.key))).toEqual([BigInt(HOST_KEY)]);
  });
});

describe('inspect-disks (the watch’s one call per 100 instances)', () => {
  const sys = join(dir, 'sys-many');
  mkdirSync(join(sys, 'nvme1n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme1n1', 'device', 'serial'), 'bp1one\n');
  mkdirSync(join(sys, 'nvme2n1', 'device'), { recursive: true });
  writeFileSync(join(sys, 'nvme2n1', 'device', 'serial'), 'bp1two\n');
  for (const n of ['nvme1n1', 'nvme2n1']) writeFileSync(join(sys, n, 'ro'), '0\n');
  const tools = {
    findmnt: `[ "$3" = /dev/nvme2n1 ] && printf '%s\\n' '/data rw,relatime'`,
    blkid: '[ "$5" = /dev/nvme2n1 ] && echo ext4',
  };

  it('reports every listed serial this host sees, and only those', () => {
    const r = run(
      'inspect-disks',
      { serials: 'bp1one,bp1absent,bp1two' },
      { sysBlock: sys, path: stubs('many', tools) },
    );
    expect(r.status).toBe(0);
    const parsed = inspectDisksReportSchema.parse(JSON.parse(r.stdout));
    expect(parsed.disks.map((d) => [d.serial, d.device, d.fstype, d.mountpoints])).toEqual([
      ['bp1one', '/dev/nvme1n1', null, []],
      ['bp1two', '/dev/nvme2n1', 'ext4', ['/data']],
    ]);
  });

  it('refuses a malformed list (exit 2) and answers an empty report when nothing is here', () => {
    expect(run('inspect-disks', { serials: 'bp1 x' }).status).toBe(SCRIPT_EXIT.usage);
    expect(JSON.parse(run('inspect-disks', { serials: 'bp1nothere' }).stdout)).toEqual({ disks: [] });
  });
});
