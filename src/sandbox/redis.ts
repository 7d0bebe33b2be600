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

/**
 * `sh -c` wrapper that runs `$@` (redis-server) in the background and stops it with SIGTERM as
 * soon as its stdin reaches end of file: when the sandbox closes the pipe, or when the sandbox
 * dies in any way (kill -9 included), since the kernel closes the pipe then. Exits with Redis.
 */
export const TIED_TO_STDIN = `exec 3<&0 0</dev/null
"$@" 3<&- &
r=$!
( cat <&3 >/dev/null; kill -TERM "$r" 2>/dev/null ) &
exec 3<&-
wait "$r"`;

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
  const args = [
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
  ];
  const child = spawn('sh', ['-c', TIED_TO_STDIN, 'redis-server', path, ...args, '--logfile', 'redis.log'], {
    // Its own process group: Ctrl-C in the terminal reaches only the sandbox, which stops the bot
    // before Redis instead of both dying at once. stdin is the pipe that ties Redis to this process.
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.stdin?.on('error', () => undefined);
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  // Last resort if the sandbox exits without running its shutdown; if it dies outright (SIGKILL),
  // the pipe closes and the wrapper stops Redis by itself.
  process.once('exit', killGroup);
  await waitForPort(port, child, 5_000).catch((error: unknown) => {
    killGroup();
    throw error;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    async stop() {
      process.off('exit', killGroup);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end(); // the wrapper sends SIGTERM to Redis and exits when Redis has
      const timer = setTimeout(killGroup, 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
