import { randomUUID } from 'node:crypto';
import type { App, webApi } from '@slack/bolt';
import type { StepCompletion, StepExecution, WorkflowStepStore } from '../app/ports.js';
import { parseDiskCommand } from '../commands/index.js';
import type { Logger } from '../logger.js';
import type { Clock, TransitionListener } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import {
  missingInputError,
  stepCommandText,
  stepOutcome,
  stepOutputs,
  WORKFLOW_STEP_CALLBACK_ID,
  type WorkflowStepInputs,
  workflowTokenUsable,
} from '../workflow/workflow-step.js';
import { internalErrorMessage, notAvailableMessage, usageErrorMessage } from './blocks/replies.js';
import { summarize } from './blocks/request-card.js';
import { type CommandRateLimit, rateLimitedMessage } from './command-gate.js';
import type { CommandHandler, CommandHandlers, CommandKind } from './ports.js';
import { slackErrorCode } from './slack-error.js';

/**
 * The one place a step completion goes out (`functions.completeSuccess` / `completeError`), so the
 * durable Slack outbox can carry it without the step knowing.
 */
export async function sendStepCompletion(
  client: webApi.WebClient,
  token: string,
  executionId: string,
  completion: StepCompletion,
): Promise<void> {
  if (completion.kind === 'success') {
    await client.functions.completeSuccess({
      token,
      function_execution_id: executionId,
      outputs: completion.outputs,
    });
  } else {
    await client.functions.completeError({
      token,
      function_execution_id: executionId,
      error: completion.error,
    });
  }
}

/** Slack will never take this completion: the execution is unknown or no longer running. */
const NEVER_COMPLETABLE = new Set(['function_execution_not_found', 'execution_not_in_running_state']);
/** The workflow token no longer works: the bot's own token completes the step instead. */
const TOKEN_GONE = new Set(['token_expired', 'invalid_auth', 'token_revoked', 'not_authed']);
/** A lease long enough for one completion call with the client's own retries. */
const COMPLETION_LEASE_MS = 60_000;
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;
/** How often a replica looks for completions owed after a failure or a restart. */
const SWEEP_INTERVAL_MS = 5_000;

export interface WorkflowStepDeps {
  readonly store: WorkflowStepStore;
  readonly client: webApi.WebClient;
  readonly botToken: () => string;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What filing needs from `/disk`: the same (gated, name-resolving) handlers and the same rate. */
export interface StepFiling {
  readonly handlers: CommandHandlers;
  readonly getRequest: (id: string) => Promise<DiskRequest | undefined>;
  readonly rateLimit?: CommandRateLimit;
  /** Where the card goes; a step has no channel of its own. */
  readonly approvalsChannel?: string;
}

type Filed = { readonly requestId: string } | { readonly error: string };

/**
 * The Workflow Builder step `request_disk_change` (issue 22): files a request as the step's
 * requester through the `/disk` handlers, waits for the request to end (as a transition listener)
 * and completes the step once, through a completion recorded in Redis before it is sent.
 */
export class WorkflowSteps implements TransitionListener {
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** A completion was owed while a pass ran (past its read): run one more pass. */
  private again = false;
  private readonly logger: Logger;

  constructor(private readonly deps: WorkflowStepDeps) {
    this.logger = deps.logger.child({ module: 'workflow-step' });
  }

  /** Registers the `function_executed` listener; Bolt acks before the listener runs. */
  register(app: App, filing: StepFiling): void {
    app.function(WORKFLOW_STEP_CALLBACK_ID, { autoAcknowledge: true }, async ({ event }) => {
      const eventMs = Number(event.event_ts) * 1000;
      await this.execute(
        {
          executionId: event.function_execution_id,
          workflowExecutionId: event.workflow_execution_id,
          token: event.bot_access_token,
          issuedAt: Number.isFinite(eventMs)
            ? Math.min(eventMs, this.deps.clock.now())
            : this.deps.clock.now(),
        },
        event.inputs,
        filing,
      );
    });
  }

  /** Sweeps owed completions (a failed send, another replica's crash) until `stop`. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
  }

  async onTransition(event: Parameters<TransitionListener['onTransition']>[0]): Promise<void> {
    if (event.from === event.to || !stepOutcome(event.to)) return;
    const executionId = await this.deps.store.executionOf(event.request.id);
    if (executionId) await this.owe(executionId, this.success(event.request));
  }

  private async execute(execution: StepExecution, inputs: WorkflowStepInputs, filing: StepFiling) {
    const { executionId } = execution;
    if (!(await this.deps.store.claim(execution, this.deps.clock.now()))) {
      this.logger.info({ event: 'workflow_step.redelivered', executionId }, 'execution already taken');
      return;
    }
    let filed: Filed;
    try {
      filed = await this.file(execution, inputs, filing);
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      this.logger.error(
        { event: 'workflow_step.failed', executionId, reference, err: error },
        'filing failed',
      );
      filed = { error: internalErrorMessage(reference).text };
    }
    if ('error' in filed) {
      this.logger.info({ event: 'workflow_step.refused', executionId }, 'step refused');
      await this.owe(executionId, { kind: 'error', error: filed.error });
      return;
    }
    await this.deps.store.link(executionId, filed.requestId);
    this.logger.info(
      { event: 'workflow_step.opened', executionId, requestId: filed.requestId },
      'request opened',
    );
    // The request may have ended before the link existed (a quick rejection): complete it now.
    const request = await filing.getRequest(filed.requestId);
    if (request && stepOutcome(request.state)) await this.owe(executionId, this.success(request));
  }

  /** The same path as `/disk`: grammar, rate, then the handler (policy, names, preflight, card). */
  private async file(
    execution: StepExecution,
    inputs: WorkflowStepInputs,
    filing: StepFiling,
  ): Promise<Filed> {
    const step = stepCommandText(inputs);
    if (!step.ok) return { error: step.error };
    const parsed = parseDiskCommand(step.text);
    if (!parsed.ok) return { error: usageErrorMessage(parsed.error).text };
    if (parsed.command.kind !== step.action) return { error: missingInputError(step.action) };
    if (!filing.approvalsChannel) {
      return {
        error:
          'This deployment has no approvals channel (`channels.approvals` in the policy), so a workflow has nowhere to post the card. Nothing was requested.',
      };
    }
    const limited = await this.overRate(filing, step.requester);
    if (!limited.allowed) return { error: rateLimitedMessage(limited.limit, limited.retryInSec).text };
    const handler = filing.handlers[parsed.command.kind] as CommandHandler<CommandKind> | undefined;
    if (!handler) return { error: notAvailableMessage(parsed.command.kind).text };
    const reply = await handler(parsed.command, {
      userId: step.requester,
      channelId: filing.approvalsChannel,
      teamId: '',
      triggerId: '',
      origin: { workflowExecutionId: execution.workflowExecutionId },
    });
    return reply.requestId ? { requestId: reply.requestId } : { error: reply.text };
  }

  /** As for `/disk`: when Redis cannot count, filing goes on (its own work will say why it fails). */
  private async overRate(filing: StepFiling, userId: string) {
    if (!filing.rateLimit) return { allowed: true as const };
    try {
      return await filing.rateLimit(userId);
    } catch (error) {
      this.logger.warn({ event: 'command.rate_unavailable', err: error }, 'command rate check failed');
      return { allowed: true as const };
    }
  }

  private success(request: DiskRequest): StepCompletion {
    const outputs = stepOutputs(request, summarize(request, { maxChars: 400 }));
    if (!outputs) throw new Error(`request ${request.id} has not ended`);
    return { kind: 'success', outputs };
  }

  /** Records the completion (only the first one counts), then sends what is due. */
  private async owe(executionId: string, completion: StepCompletion): Promise<void> {
    if (await this.deps.store.owe(executionId, completion, this.deps.clock.now())) await this.flush();
  }

  /** Sends every due completion this replica could lease; one pass at a time per process. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.sendUntilQuiet()
      .catch((error: unknown) =>
        this.logger.warn({ event: 'workflow_step.flush_failed', err: error }, 'completion sweep failed'),
      )
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async sendUntilQuiet(): Promise<void> {
    do {
      this.again = false;
      await this.sendDue();
    } while (this.again);
  }

  private async sendDue(): Promise<void> {
    const now = this.deps.clock.now();
    for (const owed of await this.deps.store.takeDue(now, COMPLETION_LEASE_MS)) {
      const { executionId, issuedAt } = owed.execution;
      const useWorkflowToken = workflowTokenUsable(issuedAt, now);
      let code = await this.trySend(useWorkflowToken ? owed.execution.token : this.deps.botToken(), owed);
      if (code && useWorkflowToken && TOKEN_GONE.has(code))
        code = await this.trySend(this.deps.botToken(), owed);
      const log = {
        event: 'workflow_step.completion',
        executionId,
        kind: owed.completion.kind,
        attempt: owed.attempts,
      };
      if (code === undefined || NEVER_COMPLETABLE.has(code)) {
        await this.deps.store.settle(executionId);
        if (code) this.logger.warn({ ...log, code }, 'Slack will not take this completion; dropped');
        else this.logger.info(log, 'step completed');
      } else {
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, owed.attempts - 1));
        await this.deps.store.retryAt(executionId, now + delay);
        this.logger.warn({ ...log, code, retryInMs: delay }, 'step completion failed; will retry');
      }
    }
  }

  /** undefined when Slack took the completion, else Slack's error code. */
  private async trySend(token: string, owed: { execution: StepExecution; completion: StepCompletion }) {
    try {
      await sendStepCompletion(this.deps.client, token, owed.execution.executionId, owed.completion);
      return undefined;
    } catch (error) {
      return slackErrorCode(error);
    }
  }
}
