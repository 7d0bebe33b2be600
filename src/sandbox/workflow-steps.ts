/**
 * Workflow Builder on the stand-in (issue 22): a run of the step `request_disk_change` gets an
 * execution id and a workflow token (valid 15 minutes, until the step completes), Slack sends the
 * bot `function_executed`, and `functions.completeSuccess` / `completeError` complete the run once.
 * Like Slack, an unknown execution is `function_execution_not_found` and a completed one
 * `execution_not_in_running_state`; Slackbot tells the person who ran the workflow how it ended.
 */
import { randomBytes } from 'node:crypto';
import { WORKFLOW_STEP_CALLBACK_ID, WORKFLOW_TOKEN_LIFETIME_MS } from '../workflow/workflow-step.js';
import type { Json, Workspace } from './workspace.js';

interface StepRun {
  readonly executionId: string;
  readonly workflowExecutionId: string;
  readonly token: string;
  readonly issuedAt: number;
  /** Who ran the workflow, and the channel Slackbot tells them in. */
  readonly runBy: string;
  readonly channel: string;
  completed: boolean;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();

/** The `function_executed` event Slack sends the bot when a workflow reaches the step. */
export function functionExecutedEvent(step: {
  readonly executionId: string;
  readonly workflowExecutionId: string;
  readonly workflowToken: string;
  readonly inputs: Json;
  readonly appId: string;
  /** When the run started (epoch ms): the event's `event_ts`. */
  readonly at: number;
}): Json {
  return {
    type: 'function_executed',
    function: {
      id: 'Fn0DISKSTEP',
      callback_id: WORKFLOW_STEP_CALLBACK_ID,
      title: 'Request a shared-disk change',
      type: 'app',
      input_parameters: [],
      output_parameters: [],
      app_id: step.appId,
      date_created: 1_700_000_000,
      date_updated: 1_700_000_000,
      date_deleted: 0,
    },
    inputs: step.inputs,
    function_execution_id: step.executionId,
    workflow_execution_id: step.workflowExecutionId,
    event_ts: (step.at / 1000).toFixed(6),
    bot_access_token: step.workflowToken,
  };
}

export class WorkflowStepRuns {
  private readonly runs = new Map<string, StepRun>();

  constructor(
    private readonly workspace: Workspace,
    private readonly now: () => number = Date.now,
  ) {}

  /** A workflow reached the step: the `function_executed` event Slack sends the bot. */
  start(runBy: string, channel: string, inputs: Json): Json {
    const run: StepRun = {
      executionId: `Fx${hex(5)}`,
      workflowExecutionId: `Wx${hex(5)}`,
      token: `xwfp-sandbox-${hex(12)}`,
      issuedAt: this.now(),
      runBy,
      channel,
      completed: false,
    };
    this.runs.set(run.executionId, run);
    return functionExecutedEvent({
      executionId: run.executionId,
      workflowExecutionId: run.workflowExecutionId,
      workflowToken: run.token,
      inputs,
      appId: 'A0DISKBOT',
      at: run.issuedAt,
    });
  }

  /** A workflow token is good until its run completes or 15 minutes pass. */
  acceptsToken(token: string): boolean {
    for (const run of this.runs.values())
      if (run.token === token)
        return !run.completed && this.now() < run.issuedAt + WORKFLOW_TOKEN_LIFETIME_MS;
    return false;
  }

  /** The Web API methods that complete a run. */
  methods(): Record<string, (args: Record<string, unknown>) => Json> {
    const complete = (args: Record<string, unknown>, outcome: () => string | undefined): Json => {
      const run = this.runs.get(String(args.function_execution_id ?? ''));
      if (!run) return { ok: false, error: 'function_execution_not_found' };
      if (run.completed) return { ok: false, error: 'execution_not_in_running_state' };
      const text = outcome();
      if (text === undefined) return { ok: false, error: 'invalid_arguments' };
      run.completed = true;
      this.workspace.post({ channel: run.channel, user: 'USLACKBOT', text, ephemeralFor: run.runBy });
      return { ok: true };
    };
    return {
      'functions.completeSuccess': (args) =>
        complete(args, () => {
          const outputs = typeof args.outputs === 'string' ? parseOutputs(args.outputs) : undefined;
          if (!outputs) return undefined;
          return `Workflow step *Request a shared-disk change* completed: ${String(outputs.outcome)} — ${String(outputs.summary)}`;
        }),
      'functions.completeError': (args) =>
        complete(args, () =>
          typeof args.error === 'string' && args.error !== ''
            ? `Workflow step *Request a shared-disk change* failed: ${args.error}`
            : undefined,
        ),
    };
  }
}

function parseOutputs(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
