import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const complete = {
  SLACK_BOT_TOKEN: 'xoxb-123-abc',
  SLACK_SIGNING_SECRET: 'shh-signing',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-id',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'very-secret-key',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('chooses the sandbox when neither Slack nor cloud credentials are set', () => {
    expect(loadConfig({})).toMatchObject({ kind: 'sandbox' });
    expect(loadConfig({ SLACK_BOT_TOKEN: '   ', LOG_LEVEL: '' })).toMatchObject({ kind: 'sandbox' });
  });

  it('builds a frozen HTTP-mode config with defaults', () => {
    const result = loadConfig(complete);
    if (result.kind !== 'production') throw new Error('expected production');
    expect(result.config.slack.transport).toEqual({ mode: 'http', signingSecret: 'shh-signing' });
    expect(result.config.http.port).toBe(3000);
    expect(result.config.cloud).toMatchObject({ regionId: 'cn-hangzhou', protocol: 'https' });
    expect(Object.isFrozen(result.config.cloud.credentials)).toBe(true);
  });

  it('switches to Socket Mode when SLACK_APP_TOKEN is set, without needing a signing secret', () => {
    const { SLACK_SIGNING_SECRET: _unused, ...rest } = complete;
    const result = loadConfig({ ...rest, SLACK_APP_TOKEN: 'xapp-1-A-1-x' });
    expect(result.kind === 'production' && result.config.slack.transport.mode).toBe('socket');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', PORT: 'eighty', ECS_PROTOCOL: 'ftp' });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(expect.arrayContaining(['PORT', 'ECS_PROTOCOL']));
    const second = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(second.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'SLACK_SIGNING_SECRET',
        'REDIS_URL',
        'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET',
      ]),
    );
  });

  it('never echoes a secret value in its messages', () => {
    const problems = problemsOf({
      ...complete,
      SLACK_BOT_TOKEN: 'not-a-bot-token-s3cr3t',
      SLACK_APP_TOKEN: 'xoxb-wrong-kind-s3cr3t',
    });
    expect(problems.join('\n')).not.toContain('s3cr3t');
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN');
  });

  it('accepts an ECS endpoint override only as host:port', () => {
    expect(problemsOf({ ...complete, ECS_ENDPOINT: 'http://127.0.0.1:1' })[0]).toContain('ECS_ENDPOINT');
    const ok = loadConfig({ ...complete, ECS_ENDPOINT: '127.0.0.1:8080', ECS_PROTOCOL: 'http' });
    expect(ok.kind === 'production' && ok.config.cloud.endpoint).toBe('127.0.0.1:8080');
  });

  describe('*_FILE variables (Kubernetes secret volumes)', () => {
    const files: Record<string, string> = {
      '/run/secrets/bot': 'xoxb-from-file-s3cr3t\n',
      '/run/secrets/signing': 'signing-from-file-s3cr3t\r\n',
      '/run/secrets/empty': '\n',
    };
    const readText = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
      return text;
    };
    const { SLACK_BOT_TOKEN: _t, SLACK_SIGNING_SECRET: _s, ...rest } = complete;
    const problemsWith = (env: Record<string, string>) => {
      try {
        loadConfig(env, readText);
      } catch (error) {
        if (error instanceof ConfigError) return [...error.problems];
        throw error;
      }
      throw new Error('expected a ConfigError');
    };

    it('reads secrets from files, trimming the trailing newline', () => {
      const result = loadConfig(
        {
          ...rest,
          SLACK_BOT_TOKEN_FILE: '/run/secrets/bot',
          SLACK_SIGNING_SECRET_FILE: '/run/secrets/signing',
        },
        readText,
      );
      if (result.kind !== 'production') throw new Error('expected production');
      expect(result.config.slack.botToken).toBe('xoxb-from-file-s3cr3t');
      expect(result.config.slack.transport).toEqual({
        mode: 'http',
        signingSecret: 'signing-from-file-s3cr3t',
      });
    });

    it('a file-only configuration is production, not the sandbox', () => {
      const result = loadConfig(
        {
          SLACK_BOT_TOKEN_FILE: '/run/secrets/bot',
          SLACK_SIGNING_SECRET_FILE: '/run/secrets/signing',
          REDIS_URL: 'redis://127.0.0.1:6379',
          ECS_ENDPOINT: '127.0.0.1:8080',
        },
        readText,
      );
      expect(result.kind).toBe('production');
    });

    it('names the variable and path of a missing or empty file, never a value', () => {
      const problems = problemsWith({
        ...rest,
        SLACK_BOT_TOKEN_FILE: '/run/secrets/nope',
        SLACK_SIGNING_SECRET_FILE: '/run/secrets/empty',
      });
      expect(problems).toEqual([
        'SLACK_BOT_TOKEN_FILE: cannot read /run/secrets/nope (ENOENT)',
        'SLACK_SIGNING_SECRET_FILE: /run/secrets/empty is empty',
      ]);
    });

    it('refuses a variable set both directly and as a file, without echoing either', () => {
      const problems = problemsWith({
        ...complete,
        SLACK_SIGNING_SECRET_FILE: '/run/secrets/signing',
      });
      expect(problems).toEqual([
        'SLACK_SIGNING_SECRET: set either SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_FILE, not both',
      ]);
      expect(problems.join('\n')).not.toContain('shh-signing');
    });

    it('checks a value read from a file like any other, without echoing it', () => {
      const problems = problemsWith({
        ...rest,
        SLACK_BOT_TOKEN_FILE: '/run/secrets/signing',
        SLACK_SIGNING_SECRET: 'x',
      });
      expect(problems[0]).toMatch(/^SLACK_BOT_TOKEN: must be a bot token/);
      expect(problems.join('\n')).not.toContain('s3cr3t');
    });
  });
});
