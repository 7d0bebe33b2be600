/**
 * `npm start` exactly as an operator, `timeout` or systemd runs it: the real npm, the package's
 * start script, signals sent to one PID (never the group), and the process tree read from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface NpmStart {
  readonly npm: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if npm exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** npm's exit code (null when killed by a signal) and how long after `since` it came. */
  exited(since: number): Promise<{ code: number | null; afterMs: number }>;
  /** npm's live descendants now; every pid ever returned is remembered for `killAll`. */
  tree(): { pid: number; comm: string }[];
  /** SIGKILL to npm and every process `tree()` ever saw that is still alive (test clean-up). */
  killAll(): void;
}

export function npmStart(env: Record<string, string>): NpmStart {
  const npm = spawn('npm', ['start'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    npm.once('exit', (code) => resolve({ code, at: performance.now() })),
  );
  const seen = new Set<number>(npm.pid ? [npm.pid] : []);
  return {
    npm,
    output: () => out,
    tree: () => {
      const now = npm.pid ? descendants(npm.pid) : [];
      for (const p of now) seen.add(p.pid);
      return now;
    },
    killAll: () => {
      if (npm.pid) for (const p of descendants(npm.pid)) seen.add(p.pid);
      for (const pid of [...seen].filter(isAlive)) process.kill(pid, 'SIGKILL');
    },
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          const match = pattern.exec(out);
          if (match) return resolve(match);
          if (npm.exitCode !== null || npm.signalCode !== null)
            return reject(new Error(`npm start exited before ${pattern}:\n${out}`));
          if (Date.now() > deadline)
            return reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`));
          setTimeout(check, 20);
        };
        check();
      }),
    exited: async (since) => {
      const { code, at } = await exit;
      return { code, afterMs: at - since };
    },
  };
}

/** Live (not zombie) processes: pid → its command name. */
function processTable(): Map<number, { ppid: number; comm: string }> {
  const table = new Map<number, { ppid: number; comm: string }>();
  const ps = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,comm='], { encoding: 'utf8' });
  for (const line of ps.split('\n')) {
    const [pid, ppid, stat, ...comm] = line.trim().split(/\s+/);
    if (!pid || stat?.startsWith('Z')) continue;
    table.set(Number(pid), { ppid: Number(ppid), comm: comm.join(' ') });
  }
  return table;
}

/** Every live descendant of `root`, with its command name. */
export function descendants(root: number): { pid: number; comm: string }[] {
  const table = processTable();
  const found: { pid: number; comm: string }[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, p] of table)
      if (p.ppid === parent) {
        found.push({ pid, comm: p.comm });
        queue.push(pid);
      }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    // The state is the field after the parenthesised command name.
    const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pids still alive after up to `timeoutMs`. */
export async function survivors(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 50));
  }
}
