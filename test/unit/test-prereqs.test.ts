import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATH,
  decide,
  ensurePrerequisites,
  type Facts,
  type Io,
} from '../../scripts/test-prereqs.js';
import { CHROMIUM } from '../support/sandbox-browser.js';

const FRESH: Facts = {
  redisUrl: false,
  redisServer: false,
  chromium: false,
  aptGet: true,
  root: true,
  passwordlessSudo: false,
  noInstall: false,
};
const READY: Facts = { ...FRESH, redisServer: true, chromium: true };

/** Records commands; `installs` decides whether apt-get "installs" (the next facts are READY). */
function recordingIo(installs: boolean) {
  const commands: string[] = [];
  const lines: string[] = [];
  let installed = false;
  const io: Io = {
    run(command, args, env) {
      commands.push([`DEBIAN_FRONTEND=${env.DEBIAN_FRONTEND}`, command, ...args].join(' '));
      if (installs && args.includes('install')) installed = true;
      return installs;
    },
    print: (line) => lines.push(line),
  };
  return { io, commands, lines, installed: () => installed };
}

describe('what npm test needs before it runs', () => {
  it('checks the chromium the browser test launches', () => {
    expect(CHROMIUM_PATH).toBe(CHROMIUM);
  });

  it('nothing to do when redis-server and chromium are there, or REDIS_URL replaces redis-server', () => {
    expect(decide(READY)).toEqual({ action: 'ready' });
    expect(decide({ ...READY, redisServer: false, redisUrl: true })).toEqual({ action: 'ready' });
    expect(decide({ ...READY, aptGet: false, root: false })).toEqual({ action: 'ready' });
  });

  it('root with apt-get installs exactly what is missing; passwordless sudo installs through sudo', () => {
    expect(decide(FRESH)).toEqual({ action: 'install', packages: ['redis-server', 'chromium'], sudo: false });
    expect(decide({ ...FRESH, redisServer: true })).toEqual({
      action: 'install',
      packages: ['chromium'],
      sudo: false,
    });
    expect(decide({ ...FRESH, root: false, passwordlessSudo: true, redisUrl: true })).toEqual({
      action: 'install',
      packages: ['chromium'],
      sudo: true,
    });
  });

  it('stops with the one command when the user may not install, apt-get is absent, or SDB_NO_INSTALL is set', () => {
    const stop = {
      action: 'stop',
      packages: ['redis-server', 'chromium'],
      command: 'sudo apt-get update && sudo apt-get install -y redis-server chromium',
    };
    expect(decide({ ...FRESH, root: false })).toEqual(stop);
    expect(decide({ ...FRESH, aptGet: false })).toEqual(stop);
    expect(decide({ ...FRESH, noInstall: true })).toEqual(stop);
  });

  it('as root: apt-get update and install run non-interactively, then the tests may run', () => {
    const r = recordingIo(true);
    expect(ensurePrerequisites(() => (r.installed() ? READY : FRESH), r.io)).toBe(0);
    expect(r.commands).toEqual([
      'DEBIAN_FRONTEND=noninteractive apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server chromium',
    ]);
  });

  it('with passwordless sudo: the same commands through sudo -n', () => {
    const r = recordingIo(true);
    const facts: Facts = { ...FRESH, root: false, passwordlessSudo: true, redisServer: true };
    expect(ensurePrerequisites(() => (r.installed() ? READY : facts), r.io)).toBe(0);
    expect(r.commands).toEqual([
      'DEBIAN_FRONTEND=noninteractive sudo -n apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive sudo -n apt-get install -y -qq chromium',
    ]);
  });

  it('without permission: runs nothing, exits 1 at once and prints the install command', () => {
    const r = recordingIo(true);
    expect(ensurePrerequisites(() => ({ ...FRESH, root: false }), r.io)).toBe(1);
    expect(r.commands).toEqual([]);
    expect(r.lines.join('\n')).toContain(
      'sudo apt-get update && sudo apt-get install -y redis-server chromium',
    );
  });

  it('a failed install exits 1 with the command for what is still missing', () => {
    const r = recordingIo(false);
    expect(ensurePrerequisites(() => ({ ...FRESH, redisServer: true }), r.io)).toBe(1);
    expect(r.lines.at(-1)).toContain('sudo apt-get install -y chromium');
  });
});
