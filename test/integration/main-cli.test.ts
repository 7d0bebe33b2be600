import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...cleanEnv, ...env },
    encoding: 'utf8',
    // A deadline, not a wait: on two busy cores tsx compiling the entry alone can take 20 s.
    timeout: 60_000,
  });
}

describe('npm start without a complete configuration', { timeout: 120_000 }, () => {
  it('explains what is missing and exits non-zero, without a stack trace', () => {
    // Nothing at all configured is the sandbox (test/e2e); a half configuration is an error.
    const result = runMain({ SLACK_BOT_TOKEN: 'xoxb-1234' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(result.stderr).toContain('REDIS_URL');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the sandbox refuses a malformed PORT before starting anything', () => {
    const result = runMain({ PORT: 'nope' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('lists every configuration problem at once and never prints the token', () => {
    const result = runMain({ SLACK_BOT_TOKEN: 'xoxb-1234-s3cr3t', PORT: 'nope' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(result.stderr).not.toContain('s3cr3t');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
