/**
 * Workflow Builder steps on the fake Slack (issue 22): executions Slack started, and
 * `functions.completeSuccess` / `completeError` refused for an unknown or already completed
 * execution, as Slack does.
 */
import { functionExecutedEvent as slackFunctionExecuted } from '../../src/sandbox/workflow-steps.js';
import type { FakeSlack, RecordedCall } from './fake-slack.js';
import { eventCallbackBody, postToSlackEndpoint, signSlackBody } from './slack-requests.js';

export interface StepExecutions {
  /** A workflow ran the step: its execution may now be completed once. */
  begin(executionId: string): void;
  /** The accepted completion of an execution (refused calls are not completions). */
  completion(executionId: string, timeoutMs?: number): Promise<RecordedCall>;
  /** Every completion call for an execution, accepted or refused. */
  calls(executionId: string): RecordedCall[];
  /** The next completion call fails with this Slack error (an outage), whatever it completes. */
  failNext(error: string): void;
}

const COMPLETE_METHODS = ['functions.completeSuccess', 'functions.completeError'];

export function fakeStepExecutions(fake: FakeSlack): StepExecutions {
  const running = new Set<string>();
  const accepted = new Map<string, RecordedCall>();
  const waiters = new Map<string, ((call: RecordedCall) => void)[]>();
  const failures: string[] = [];
  for (const method of COMPLETE_METHODS) {
    fake.on(method, (body, call) => {
      const failure = failures.shift();
      if (failure) return { json: { ok: false, error: failure } };
      const id = String(body.function_execution_id ?? '');
      if (accepted.has(id)) return { json: { ok: false, error: 'execution_not_in_running_state' } };
      if (!running.has(id)) return { json: { ok: false, error: 'function_execution_not_found' } };
      running.delete(id);
      accepted.set(id, call);
      for (const resolve of waiters.get(id) ?? []) resolve(call);
      waiters.delete(id);
      return { json: { ok: true } };
    });
  }
  return {
    begin: (id) => running.add(id),
    failNext: (error) => failures.push(error),
    completion(id, timeoutMs = 20_000) {
      const done = accepted.get(id);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no completion of ${id} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.set(id, [
          ...(waiters.get(id) ?? []),
          (call) => {
            clearTimeout(timer);
            resolve(call);
          },
        ]);
      });
    },
    calls: (id) =>
      fake.calls.filter((c) => COMPLETE_METHODS.includes(c.method) && c.body.function_execution_id === id),
  };
}

export interface StepEvent {
  readonly executionId: string;
  readonly inputs: Record<string, unknown>;
  readonly workflowExecutionId?: string;
  readonly workflowToken?: string;
}

/** The `function_executed` event Slack sends when a workflow reaches the step. */
export function functionExecutedEvent(step: StepEvent): Record<string, unknown> {
  return slackFunctionExecuted({
    executionId: step.executionId,
    workflowExecutionId: step.workflowExecutionId ?? `Wx${step.executionId}`,
    workflowToken: step.workflowToken ?? `xwfp-${step.executionId}`,
    inputs: step.inputs,
    appId: 'A0FAKE',
    at: Date.now(),
  });
}

/** Sends the event signed, as Slack does; `retryNum` marks a redelivery (`x-slack-retry-num`). */
export function sendStepEvent(endpoint: string, signingSecret: string, step: StepEvent, retryNum?: number) {
  const raw = eventCallbackBody(functionExecutedEvent(step));
  const retry: Record<string, string> = retryNum
    ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }
    : {};
  return postToSlackEndpoint(
    endpoint,
    raw,
    { ...signSlackBody(signingSecret, raw), ...retry },
    'application/json',
  );
}
