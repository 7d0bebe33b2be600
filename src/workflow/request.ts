import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '../commands/index.js';
import { REQUEST_KINDS, type RequestKind } from '../kinds/kinds.js';

/** The kinds are declared once, in `src/kinds/kinds.ts`. */
export { REQUEST_KINDS, type RequestKind };

/** Lifecycle states (design.md §3); the allowed arrows live in `state-machine.ts`. */
export const REQUEST_STATES = [
  'pending',
  'approved',
  'running',
  'succeeded',
  'partial',
  'failed',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** The cloud calls a plan may contain; the executor maps each to exactly one ECS API call. */
export const PLAN_ACTIONS = [
  'CreateDisk',
  'AttachDisk',
  'DetachDisk',
  'ModifyDiskAttribute',
  'TagResources',
  'DescribeDisks',
  'InvokeCommand',
  'CreateSnapshot',
  'DescribeInstances',
  'ResizeDisk',
  'DescribeSnapshots',
  'DeleteDisk',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

export type PlanParamValue = string | number | boolean;
/** One cloud call the request will make, with its exact parameters. */
export interface PlanStep {
  readonly action: PlanAction;
  readonly params: Readonly<Record<string, PlanParamValue>>;
}

export type CheckLevel = 'ok' | 'warning' | 'danger' | 'error';
/** One preflight result shown on the card; any `error` keeps the request from being opened. */
export interface Check {
  readonly code: string;
  readonly level: CheckLevel;
  readonly message: string;
  /** The data-safety rule that produced it (`filesystem`, `mounts`); run time compares per rule. */
  readonly rule?: string;
  /** What the rule saw, in a stable form (`fs=ext4;i-1:/data(rw)`): an override covers these facts only. */
  readonly facts?: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Normalised, kind-specific parameters as parsed by the command layer (kept as plain JSON here). */
export type RequestParams = { [key: string]: JsonValue };

export interface Approval {
  readonly userId: string;
  readonly at: number;
}

/** Slack coordinates of the approval card, stored before anything slow happens. */
export interface CardRef {
  readonly channelId: string;
  readonly ts: string;
}

/** Who ended the `pending` phase (approved, rejected, cancelled, expired) and when. */
export interface Decision {
  readonly by: string;
  readonly at: number;
}

/** A stored request. Times are epoch milliseconds from the injected clock. */
export interface DiskRequest {
  readonly id: string;
  readonly kind: RequestKind;
  readonly state: RequestState;
  readonly requesterId: string;
  readonly channelId: string;
  readonly params: RequestParams;
  readonly plan: readonly PlanStep[];
  readonly checks: readonly Check[];
  readonly planHash: string;
  readonly quorum: number;
  readonly approvals: readonly Approval[];
  readonly rejection?: { readonly userId: string; readonly at: number; readonly reason: string };
  readonly decision?: Decision;
  readonly card?: CardRef;
  readonly stepCursor: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
  readonly outcome?: { readonly code: string; readonly message: string };
  /** Emergency failover: opened with the emergency quorum; `review: 'required'` asks for a post-hoc review. */
  readonly emergency?: boolean;
  readonly review?: 'required' | 'optional';
  /** Filed by a Workflow Builder step rather than typed: which workflow run asked. */
  readonly origin?: RequestOrigin;
  /** Policy `accounts` alias the request acts in; absent without accounts (and on older records). */
  readonly account?: string;
}

/** Where a request came from when nobody typed it: a Workflow Builder run (issue 22). */
export interface RequestOrigin {
  readonly workflowExecutionId: string;
}

/** The actor recorded for transitions nobody clicked (expiry sweeper). */
export const SYSTEM_ACTOR = 'system';

export const isRequestId = (value: string): boolean => REQUEST_ID_PATTERN.test(value);

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * `R-` + 10 Crockford base32 characters: 6 from the time in seconds (so ids sort roughly by age
 * and stay short enough to type) and 4 random (20 bits). A collision is refused by the
 * `createRequest` script and the caller draws again.
 */
export function newRequestId(nowMs: number, random: (size: number) => Uint8Array = randomBytes): string {
  let seconds = Math.floor(nowMs / 1000) % 2 ** 30;
  let time = '';
  for (let i = 0; i < 6; i++) {
    time = CROCKFORD[seconds % 32] + time;
    seconds = Math.floor(seconds / 32);
  }
  const bytes = random(4);
  let rand = '';
  for (let i = 0; i < 4; i++) rand += CROCKFORD[(bytes[i] ?? 0) % 32];
  return `R-${time}${rand}`;
}

// ── Schemas for what the store reads back (never `JSON.parse(x) as T`) ─────────────────────────

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

export const planStepSchema = z.object({
  action: z.enum(PLAN_ACTIONS),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

export const checkSchema = z.object({
  code: z.string().min(1),
  level: z.enum(['ok', 'warning', 'danger', 'error']),
  message: z.string(),
  rule: z.string().optional(),
  facts: z.string().optional(),
});

/** The immutable body of a request, stored as one JSON field next to the scalars the scripts use. */
export const requestBodySchema = z.object({
  kind: z.enum(REQUEST_KINDS),
  channelId: z.string(),
  params: z.record(z.string(), jsonValueSchema),
  plan: z.array(planStepSchema),
  checks: z.array(checkSchema),
  emergency: z.boolean().optional(),
  review: z.enum(['required', 'optional']).optional(),
  origin: z.object({ workflowExecutionId: z.string() }).optional(),
  account: z.string().optional(),
});
export type RequestBody = z.infer<typeof requestBodySchema>;

export const isRequestState = (value: string): value is RequestState =>
  (REQUEST_STATES as readonly string[]).includes(value);
