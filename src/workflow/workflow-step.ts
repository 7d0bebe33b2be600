/**
 * The Workflow Builder step "Request a shared-disk change" (issue 22), as pure rules: which actions
 * a workflow may ask for, how the step's inputs become the `/disk` text the grammar reads (so a
 * workflow gets exactly the rules of a slash command), and what the step outputs when its request ends.
 */
import { quoteValue } from '../commands/index.js';
import type { DiskRequest, RequestKind, RequestState } from './request.js';
import { isTerminalState, type TerminalState } from './state-machine.js';

/** The step's callback id in the manifest's `functions` section and in `function_executed`. */
export const WORKFLOW_STEP_CALLBACK_ID = 'request_disk_change';

/** The actions the manifest offers as a choice: each is a request kind, so each files as `/disk` would. */
export const WORKFLOW_STEP_ACTIONS = [
  'create',
  'attach',
  'detach',
  'resize',
  'snapshot',
] as const satisfies readonly RequestKind[];
export type WorkflowStepAction = (typeof WORKFLOW_STEP_ACTIONS)[number];

/** The step's `outcome` output: how the request ended, one of its terminal states. */
export type WorkflowStepOutcome = TerminalState;

/** The inputs as Slack sends them: whatever the workflow author wired, so every field is checked. */
export type WorkflowStepInputs = Readonly<Record<string, unknown>>;

export type StepCommand =
  | {
      readonly ok: true;
      readonly action: WorkflowStepAction;
      readonly requester: string;
      readonly text: string;
    }
  | { readonly ok: false; readonly error: string };

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

function text(inputs: WorkflowStepInputs, name: string): string | undefined {
  const value = inputs[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The `/disk` text equivalent to the step's inputs. Every value is quoted as one token, so nothing a
 * workflow passes can add a flag; the grammar then judges the text as it would a typed command.
 */
export function stepCommandText(inputs: WorkflowStepInputs): StepCommand {
  const action = text(inputs, 'action');
  if (!action || !(WORKFLOW_STEP_ACTIONS as readonly string[]).includes(action)) {
    return {
      ok: false,
      error: `The step's action must be one of ${WORKFLOW_STEP_ACTIONS.join(', ')}; it was ${JSON.stringify(action ?? '')}. Nothing was requested.`,
    };
  }
  const requester = text(inputs, 'requester');
  if (!requester || !USER_ID.test(requester)) {
    return {
      ok: false,
      error: 'The step needs a requester (a Slack user) to file the request as. Nothing was requested.',
    };
  }
  const disk = text(inputs, 'disk');
  if (!disk) {
    const what = action === 'create' ? 'the new disk’s name' : 'the disk (id or name)';
    return { ok: false, error: `The step's disk input is empty: give ${what}. Nothing was requested.` };
  }
  const parts = [action, quoteValue(disk)];
  for (const instance of (text(inputs, 'instances') ?? '').split(/[\s,]+/).filter(Boolean))
    parts.push(quoteValue(instance));
  const flags: [string, string | undefined][] = [
    ['--size', text(inputs, 'size_gib')],
    ['--zone', text(inputs, 'zone')],
    ['--reason', text(inputs, 'reason')],
  ];
  for (const [flag, value] of flags) if (value !== undefined) parts.push(flag, quoteValue(value));
  return { ok: true, action: action as WorkflowStepAction, requester, text: parts.join(' ') };
}

/** Why the grammar read something else than the step's action (a form instead of a request). */
export function missingInputError(action: WorkflowStepAction): string {
  return action === 'create'
    ? 'The step needs `size_gib` to create a disk. Nothing was requested.'
    : `The step needs \`instances\` (ids or names) to ${action} a disk. Nothing was requested.`;
}

/** The outcome output of a request that ended; undefined while it can still change. */
export function stepOutcome(state: RequestState): WorkflowStepOutcome | undefined {
  return isTerminalState(state) ? state : undefined;
}

/** The step's outputs once its request ended. */
export function stepOutputs(
  request: DiskRequest,
  summary: string,
): { request_id: string; outcome: WorkflowStepOutcome; summary: string } | undefined {
  const outcome = stepOutcome(request.state);
  if (!outcome) return undefined;
  const why = request.outcome?.message ?? request.rejection?.reason;
  return {
    request_id: request.id,
    outcome,
    summary: `${request.id} ${outcome}: ${summary}${why ? ` (${why})` : ''}`,
  };
}

/** The workflow token expires 15 minutes after issue; completions after that use the bot token. */
export const WORKFLOW_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Room for the clock skew and the call itself, so a token is never used in its last seconds. */
const TOKEN_MARGIN_MS = 30_000;

export function workflowTokenUsable(issuedAt: number, now: number): boolean {
  return now < issuedAt + WORKFLOW_TOKEN_LIFETIME_MS - TOKEN_MARGIN_MS;
}
