import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, redisServerBinary, waitForPort } from '../../src/sandbox/redis.js';

export { freePort };

/** A private redis-server owned by one test run: tests may stop and restart it. */
export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Stop and start again on the same port; with `keepData` the RDB snapshot is reloaded. */
  restart(options?: { keepData?: boolean }): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServerHandle> {
  const binary = redisServerBinary();
  if (!binary) {
    throw new Error(
      'redis-server is not on PATH and REDIS_URL is not set. Install it (Debian: apt-get install redis-server) ' +
        'or point REDIS_URL at a Redis you can flush.',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sdb-redis-'));
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForPort(port, child, 5_000);
  };
  const halt = async (saveFirst: boolean) => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    if (saveFirst) {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'save']);
    } else {
      running.kill('SIGKILL');
    }
    await exited;
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await halt(false);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(options) {
      await halt(options?.keepData ?? true);
      await launch();
    },
  };
}
