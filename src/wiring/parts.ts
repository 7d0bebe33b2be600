import type { Logger } from '../logger.js';

/** Something an assembly started, and how to stop it. */
export interface RunningPart {
  /** Names the part in the log line when its stop fails. */
  readonly name: string;
  stop(): Promise<void> | void;
}

export interface StopFailure {
  readonly part: string;
  readonly error: unknown;
}

/**
 * Stops `parts` last-started first. A part whose stop throws is reported and the next part is
 * stopped anyway: one stuck Slack server must not leave the job worker taking jobs. Resolves with
 * the failures (also passed to `onFailure` as they happen); it never rejects.
 */
export async function stopInReverse(
  parts: readonly RunningPart[],
  onFailure: (failure: StopFailure) => void,
): Promise<StopFailure[]> {
  const failures: StopFailure[] = [];
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (error) {
      const failure = { part: part.name, error };
      failures.push(failure);
      onFailure(failure);
    }
  }
  return failures;
}

/**
 * `stopInReverse` for the bot: each failure is logged as `app.stop_failed` when it happens, and
 * once every part had its turn the stop rejects naming the parts that failed.
 */
export async function stopAndReport(parts: readonly RunningPart[], logger: Logger): Promise<void> {
  const failures = await stopInReverse(parts, ({ part, error }) =>
    logger.error({ event: 'app.stop_failed', part, err: error }, `${part} did not stop`),
  );
  if (failures.length > 0)
    throw new AggregateError(
      failures.map((f) => f.error),
      `could not stop: ${failures.map((f) => f.part).join(', ')}`,
    );
}
