/**
 * How the process stops (both modes of `npm start`, and the compiled entry the Dockerfile runs):
 * SIGTERM or SIGINT runs the stop routine once, then exits 0; if the routine has not finished after
 * `deadlineMs`, the process exits anyway (what it started is stopped by its `exit` hooks and by
 * its children noticing their pipe closed), so a process manager never has to escalate to SIGKILL.
 */

/** What `timeout`, systemd and Kubernetes wait before SIGKILL is usually ≥ 5 s; stay under it. */
export const STOP_DEADLINE_MS = 4_500;

export interface StopOptions {
  /** The whole stop, start to exit. */
  readonly deadlineMs?: number;
  /** Called once with the signal (or `parent exited`) that started the stop. */
  readonly onStopping?: (reason: string) => void;
  /** Called when the deadline cut the stop short, or the stop routine threw. */
  readonly onProblem?: (message: string, error?: unknown) => void;
  readonly exit?: (code: number) => void;
}

/**
 * Installs SIGTERM/SIGINT handlers that run `stop` once and exit. Handlers stay installed, so a
 * second signal (Ctrl-C reaches both npm and this process, and npm forwards it once more) never
 * falls back to Node's default of dying on the spot halfway through the stop.
 * Returns the trigger, for other reasons to stop (the parent exited).
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  options: StopOptions = {},
): (reason: string) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const trigger = (reason: string) => {
    if (stopping) return;
    stopping = true;
    options.onStopping?.(reason);
    const deadline = setTimeout(() => {
      options.onProblem?.(`stop did not finish within ${options.deadlineMs ?? STOP_DEADLINE_MS} ms; exiting`);
      exit(0);
    }, options.deadlineMs ?? STOP_DEADLINE_MS);
    deadline.unref();
    stop().then(
      () => exit(0),
      (error: unknown) => {
        options.onProblem?.('stop failed', error);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => trigger('SIGTERM'));
  process.on('SIGINT', () => trigger('SIGINT'));
  return trigger;
}

/**
 * When an npm script started this process (`npm start`), stop when npm itself is gone: npm killed
 * with SIGKILL cannot forward a signal, and this process would otherwise run on, orphaned, with
 * its private redis-server. Only under npm: a bot started by a shell and left running (`nohup`)
 * must outlive that shell. Returns a function that stops watching.
 */
export function stopWithParent(
  trigger: (reason: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  intervalMs = 500,
): () => void {
  if (!env.npm_lifecycle_event) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) trigger('parent exited');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
