import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import type { SandboxPace } from '../../src/sandbox/index.js';

export const CHROMIUM = '/usr/bin/chromium';
/** The flags the machine notes prescribe: no sandbox as root, and no background network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile. Throws, never skips, when it cannot start. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sdb-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `Chromium could not start from ${CHROMIUM}; install it (Debian: apt-get install chromium). ${String(error)}`,
    );
  }
}

export interface SandboxProcess {
  readonly child: ChildProcess;
  readonly consoleUrl: string;
  readonly redisPort: number;
  readonly startedInMs: number;
  output(): string;
  /** SIGTERM, then the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
}

export interface SandboxStart {
  /** How long to wait for the console URL (default 20 s). */
  readonly timeoutMs?: number;
  /** SANDBOX_PACE; the tests run `quick` where what they check is not how long things take. */
  readonly pace?: SandboxPace;
}

/**
 * `npm start` as a newcomer runs it: the real entry point, a bare environment (no tokens, no
 * credentials, no REDIS_URL), and PORT=0 so a sandbox already open on 3000 is left alone.
 */
export async function startSandboxProcess(
  repo: string,
  { timeoutMs = 20_000, pace }: SandboxStart = {},
): Promise<SandboxProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repo,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      ...(pace ? { SANDBOX_PACE: pace } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  /** SIGTERM, then the exit code (null when it had to be killed). */
  const stop = (): Promise<number | null> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      child.kill('SIGTERM');
    });
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    // A sandbox that never printed its URL is stopped before the start fails: nobody else would
    // stop it, and one left running slows every later test on the machine.
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      void stop();
    }, timeoutMs);
    const check = () => {
      const match = /open (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Redis: redis:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match && !gaveUp) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          gaveUp
            ? `no console URL within ${timeoutMs} ms (stopped):\n${out}`
            : `sandbox exited with ${code} before printing its URL:\n${out}`,
        ),
      );
    });
  });
  return {
    child,
    consoleUrl: ready[1] ?? '',
    redisPort: Number(ready[2]),
    startedInMs: performance.now() - started,
    output: () => out,
    stop,
  };
}

export function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}
