/**
 * The few variables the sandbox reads (REDIS_URL, PORT for the console, LOG_LEVEL), checked before
 * the sandbox and its emulator are loaded, so a typo is reported at once.
 */
import { z } from 'zod';

const envSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^(rediss?|redis-sentinel|redis-cluster):\/\//, 'must start with redis:// or rediss://')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'),
  };
}
