/**
 * `npm test`'s first step (the `pretest` script): make sure what the tests need is on the machine,
 * the way `.ci/run` does. The tests need `redis-server` (unless REDIS_URL points at a Redis) and
 * Debian's `chromium` at /usr/bin/chromium (the browser test). When one is missing and this user
 * may install Debian packages (root, or passwordless sudo, and apt-get present), it installs them;
 * otherwise it stops at once, naming the one command that installs them. SDB_NO_INSTALL=1 never
 * installs.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** What the decision depends on, gathered by `gatherFacts` (or given by a test). */
export interface Facts {
  readonly redisUrl: boolean;
  readonly redisServer: boolean;
  readonly chromium: boolean;
  readonly aptGet: boolean;
  readonly root: boolean;
  readonly passwordlessSudo: boolean;
  readonly noInstall: boolean;
  /** mkfs.ocfs2, o2cb, mkfs.xfs, mkfs.ext4, sfdisk (the OCFS2 script tests); absent = not checked. */
  readonly ocfs2Tools?: boolean;
}

/** test/unit/ocfs2-scripts.test.ts and resize-scripts.test.ts run Debian's real tools on image files. */
export const OCFS2_TEST_PACKAGES = ['ocfs2-tools', 'xfsprogs', 'e2fsprogs', 'fdisk'] as const;

export type Decision =
  | { readonly action: 'ready' }
  | { readonly action: 'install'; readonly packages: readonly string[]; readonly sudo: boolean }
  | { readonly action: 'stop'; readonly packages: readonly string[]; readonly command: string };

export function missingPackages(facts: Facts): string[] {
  return [
    ...(facts.redisUrl || facts.redisServer ? [] : ['redis-server']),
    ...(facts.chromium ? [] : ['chromium']),
    ...(facts.ocfs2Tools === false ? OCFS2_TEST_PACKAGES : []),
  ];
}

export const installCommand = (packages: readonly string[]): string =>
  `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;

export function decide(facts: Facts): Decision {
  const packages = missingPackages(facts);
  if (packages.length === 0) return { action: 'ready' };
  if (facts.aptGet && !facts.noInstall && (facts.root || facts.passwordlessSudo))
    return { action: 'install', packages, sudo: !facts.root };
  return { action: 'stop', packages, command: installCommand(packages) };
}

const succeeds = (command: string, args: readonly string[]): boolean =>
  spawnSync(command, args, { stdio: 'ignore' }).status === 0;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looked up in this process, not by a shell per name: npm test runs this first, every time. */
const onPath = (name: string, path: string, extraDirs: readonly string[] = []): boolean =>
  [...path.split(delimiter), ...extraDirs].some((dir) => dir !== '' && executable(join(dir, name)));

export function gatherFacts(env: NodeJS.ProcessEnv = process.env): Facts {
  const path = env.PATH ?? '';
  const root = process.getuid?.() === 0;
  return {
    redisUrl: Boolean(env.REDIS_URL?.trim()),
    redisServer: onPath('redis-server', path),
    chromium: executable(CHROMIUM_PATH),
    aptGet: onPath('apt-get', path),
    root,
    passwordlessSudo: !root && onPath('sudo', path) && succeeds('sudo', ['-n', 'true']),
    noInstall: Boolean(env.SDB_NO_INSTALL?.trim()),
    ocfs2Tools: ['mkfs.ocfs2', 'o2cb', 'mkfs.xfs', 'mkfs.ext4', 'sfdisk'].every((tool) =>
      onPath(tool, path, ['/usr/sbin', '/sbin']),
    ),
  };
}

export interface Io {
  /** Runs a command with its output shown; true when it exited 0. */
  run(command: string, args: readonly string[], env: Record<string, string>): boolean;
  print(line: string): void;
}

const shellIo: Io = {
  run: (command, args, env) =>
    spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status === 0,
  print: (line) => process.stderr.write(`${line}\n`),
};

/** Returns the exit status: 0 when the tests may run. */
export function ensurePrerequisites(facts: () => Facts = () => gatherFacts(), io: Io = shellIo): number {
  const decision = decide(facts());
  if (decision.action === 'ready') return 0;
  const what = decision.packages.join(' and ');
  if (decision.action === 'stop') {
    io.print(
      `npm test needs ${what} (redis-server for the integration tests, chromium for the browser test).`,
    );
    io.print(`Install them with:\n\n  ${decision.command}\n`);
    io.print('(or set REDIS_URL to use a Redis you already run; tests only use their own key prefixes)');
    return 1;
  }
  io.print(`npm test: installing ${what} from Debian's packages…`);
  const prefix = decision.sudo ? ['sudo', '-n'] : [];
  const apt = (...args: string[]) =>
    prefix.length > 0
      ? io.run(prefix[0] as string, [...prefix.slice(1), 'apt-get', ...args], {
          DEBIAN_FRONTEND: 'noninteractive',
        })
      : io.run('apt-get', args, { DEBIAN_FRONTEND: 'noninteractive' });
  const installed = apt('update', '-qq') && apt('install', '-y', '-qq', ...decision.packages);
  const still = missingPackages(facts());
  if (installed && still.length === 0) return 0;
  const left = still.length > 0 ? still : decision.packages;
  io.print(`Could not install ${left.join(' and ')}. Install them with:\n\n  ${installCommand(left)}\n`);
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(ensurePrerequisites());
