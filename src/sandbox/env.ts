/**
 * The few variables the sandbox reads (REDIS_URL, PORT for the console, LOG_LEVEL, SANDBOX_PACE), checked before
 * the sandbox and its emulator are loaded, so a typo is reported at once.
 */
import { z } from 'zod';

/** How fast the sandbox's cloud answers: `human` for people touring it, `quick` for the browser tests. */
export const SANDBOX_PACES = ['human', 'quick'] as const;
export type SandboxPace = (typeof SANDBOX_PACES)[number];

const envSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|redis-sentinel|redis-cluster):\/\//, 'must start with redis:// or rediss://')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SANDBOX_PACE: z.enum(SANDBOX_PACES).default('human'),
});

export type SandboxEnv = z.infer<typeof envSchema>;

const blank = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** The sandbox's settings, or every problem with them (one line each). */
export function parseSandboxEnv(
  env: NodeJS.ProcessEnv,
): { ok: true; value: SandboxEnv } | { ok: false; problems: string } {
  const parsed = envSchema.safeParse({
    REDIS_URL: blank(env.REDIS_URL),
    PORT: blank(env.PORT),
    LOG_LEVEL: blank(env.LOG_LEVEL),
    SANDBOX_PACE: blank(env.SANDBOX_PACE),
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'),
  };
}
