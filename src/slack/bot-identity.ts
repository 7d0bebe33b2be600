import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';

export interface BotIdentityValue {
  readonly botToken: string;
  readonly botId: string;
  readonly botUserId: string;
  readonly teamId?: string;
}

/**
 * Resolves who the bot is (`auth.test`) in the background with backoff. Bolt would otherwise call
 * `auth.test` from its constructor and crash the process when Slack is unreachable; here an outage
 * only keeps `/readyz` red until Slack answers.
 */
export class BotIdentity {
  private value: BotIdentityValue | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private attempts = 0;
  private lastError: string | undefined;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly botToken: string,
    private readonly logger: Logger,
    private readonly backoff: { initialMs: number; maxMs: number } = { initialMs: 500, maxMs: 30_000 },
  ) {}

  get ready(): boolean {
    return this.value !== undefined;
  }

  get status(): { ready: boolean; attempts: number; lastError?: string } {
    return {
      ready: this.ready,
      attempts: this.attempts,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Starts resolving; resolves once known or when stopped. Never rejects. */
  start(): Promise<void> {
    return new Promise((resolve) => {
      const attempt = async () => {
        if (this.stopped) return resolve();
        this.attempts += 1;
        try {
          const result = await this.client.auth.test({ token: this.botToken });
          if (!result.bot_id || !result.user_id) throw new Error('auth.test returned no bot_id/user_id');
          this.value = {
            botToken: this.botToken,
            botId: result.bot_id,
            botUserId: result.user_id,
            ...(result.team_id ? { teamId: result.team_id } : {}),
          };
          this.lastError = undefined;
          this.logger.info(
            { event: 'slack.identity.ready', botUserId: result.user_id },
            'Slack identity resolved',
          );
          resolve();
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          const delay = Math.min(
            this.backoff.maxMs,
            this.backoff.initialMs * 2 ** Math.min(this.attempts - 1, 10),
          );
          this.logger.warn(
            {
              event: 'slack.identity.retry',
              attempt: this.attempts,
              retryInMs: delay,
              error: this.lastError,
            },
            'Slack auth.test failed; the bot stays not-ready and retries',
          );
          this.timer = setTimeout(attempt, delay);
        }
      };
      void attempt();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Bolt `authorize`: single-workspace identity, refused until auth.test has succeeded. */
  readonly authorize = async (): Promise<BotIdentityValue> => {
    if (!this.value) throw new Error('Slack identity not resolved yet (auth.test has not succeeded)');
    return this.value;
  };
}
