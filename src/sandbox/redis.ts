/**
 * The sandbox's Redis: `REDIS_URL` when given, otherwise a private `redis-server` on a free
 * loopback port with its working directory under `.data/redis`, owned by this process and stopped
 * with it. It keeps nothing on disk: the emulated cloud starts fresh on every run, so requests
 * remembered from an earlier run would point at disks that no longer exist.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';

export interface SandboxRedis {
  readonly url: string;
  /** True when this process started the server (and will stop it). */
  readonly private: boolean;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

/** The `redis-server` on PATH, if any. */
export function redisServerBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout?.trim();
  return found.status === 0 && path ? path : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` accepts connections; rejects early if `child` exits first. */
export function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new RedisUnavailableError(`redis-server exited with code ${child.exitCode}`));
        return;
      }
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new RedisUnavailableError(`redis-server did not listen on port ${port} in ${timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
      socket.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

export async function startSandboxRedis(options: { url?: string; dataDir: string }): Promise<SandboxRedis> {
  if (options.url) return { url: options.url, private: false, stop: async () => undefined };
  const path = redisServerBinary();
  if (!path) {
    throw new RedisUnavailableError(
      'redis-server is not installed and REDIS_URL is not set.\n' +
        '  Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),\n' +
        '  or point REDIS_URL at a Redis the sandbox may write to, e.g. REDIS_URL=redis://127.0.0.1:6379',
    );
  }
  const dir = join(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    path,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--logfile',
      'redis.log',
    ],
    // Its own process group: Ctrl-C in the terminal reaches only the sandbox, which stops the bot
    // before Redis instead of both dying at once.
    { stdio: 'ignore', detached: true },
  );
  // Last resort if the sandbox dies without running its shutdown: never leave a stray server.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await waitForPort(port, child, 5_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
