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
