import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerEvent {
  type: string;
  requestId?: string;
  worker: string;
  [key: string]: unknown;
}

/** A spawned `worker-process.ts` replica and the JSON events it printed. */
export interface SpawnedWorker {
  readonly name: string;
  readonly child: ChildProcess;
  readonly events: WorkerEvent[];
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnWorker(name: string, env: Record<string, string>): SpawnedWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, ...env, WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as WorkerEvent;
      events.push(event);
      if (event.type === 'ready') markReady();
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => {
    if (stderr.trim() && process.env.DEBUG_WORKERS) process.stderr.write(`[${name}] ${stderr}\n`);
  });
  return {
    name,
    child,
    events,
    ready: Promise.race([
      ready,
      exited.then((code) => {
        throw new Error(`worker ${name} exited (${code}) before ready: ${stderr}`);
      }),
    ]),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
