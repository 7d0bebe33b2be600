/**
 * The bot's one error vocabulary. Expected failures travel as data (`Outcome`); only bugs and
 * infrastructure failures are thrown, and those are thrown as `CodedError` so the global handler
 * never sees an anonymous error.
 */
export class CodedError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export class ConfigError extends CodedError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('config_invalid', `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Wraps anything thrown into a CodedError, keeping the original as `cause`. */
export function asCodedError(error: unknown, fallbackCode = 'internal_error'): CodedError {
  if (error instanceof CodedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError(fallbackCode, message, { cause: error });
}

/** An expected outcome: success with a value, or a stable code with a message a user can act on. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T = never>(code: string, message: string): Outcome<T> => ({
  ok: false,
  code,
  message,
});
