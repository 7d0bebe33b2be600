import { z } from 'zod';
import { DISK_CATEGORIES } from '../commands/index.js';
import type { RequestKind, RequestParams } from './request.js';

/**
 * The normalised parameters each request kind stores, shared by the card, preflight and the
 * executor. They are stored as JSON and read back through these schemas, never by casting.
 */
const tag = z.object({ key: z.string(), value: z.string() });
/** Names of the disk and instances by id, for people (cards, lists, Home); the cloud gets the ids. */
const names = z.record(z.string(), z.string()).optional();
/**
 * The partial request this one finishes (set by Retry on a partial result only): instances it
 * already attached are recognised, and the steps it did not complete run again.
 */
const finishes = z.string().optional();

export const createParamsSchema = z.object({
  name: z.string(),
  sizeGiB: z.number().int(),
  category: z.enum(DISK_CATEGORIES),
  performanceLevel: z.enum(['PL0', 'PL1', 'PL2', 'PL3']).optional(),
  regionId: z.string(),
  zoneId: z.string().optional(),
  provisionedIops: z.number().int().optional(),
  burstingEnabled: z.boolean(),
  /** `--allow-duplicate-name` (stored before the flag existed: false). */
  allowDuplicateName: z.boolean().default(false),
  tags: z.array(tag),
  reason: z.string().optional(),
});

export const attachParamsSchema = z.object({
  diskId: z.string(),
  instanceIds: z.array(z.string()).min(1),
  allowSingleNodeFs: z.boolean(),
  regionId: z.string(),
  reason: z.string().optional(),
  names,
  finishes,
});

export const detachParamsSchema = z.object({
  diskId: z.string(),
  instanceIds: z.array(z.string()).min(1),
  /** `--force`: detach even where the disk is mounted read-write (stored before the flag existed: false). */
  force: z.boolean().default(false),
  regionId: z.string(),
  reason: z.string().optional(),
  names,
});

export const failoverParamsSchema = z.object({
  diskId: z.string(),
  fromInstanceId: z.string(),
  toInstanceId: z.string(),
  regionId: z.string(),
  fencingMode: z.enum(['reservation', 'detach']),
  emergencyReason: z.string().optional(),
  /** Copied from the policy when the request is opened, so the approved plan hash covers it. */
  takeoverHook: z.object({ script: z.string(), timeoutSec: z.number().int() }).optional(),
  /** The policy's `fencing.takeover`, copied like the hook: mount on the standby after the fence. */
  takeoverMount: z.object({ mount: z.string(), options: z.string() }).optional(),
  names,
});

/** `/disk init --fs ocfs2`: cluster name and file-system UUID derive from the disk id (see cloud/ocfs2). */
export const initParamsSchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  fs: z.literal('ocfs2'),
  mountpoint: z.string(),
  slots: z.number().int(),
  label: z.string(),
  cluster: z.string(),
  uuid: z.string(),
  reason: z.string().optional(),
  names,
  finishes,
});

/** `/disk unfreeze`: lifts the change freeze; no cloud call. */
export const unfreezeParamsSchema = z.object({ reason: z.string().optional() });

export type CreateParams = z.infer<typeof createParamsSchema>;
export type AttachParams = z.infer<typeof attachParamsSchema>;
export type DetachParams = z.infer<typeof detachParamsSchema>;
export type FailoverParams = z.infer<typeof failoverParamsSchema>;
export type InitParams = z.infer<typeof initParamsSchema>;
export type UnfreezeParams = z.infer<typeof unfreezeParamsSchema>;

export type ParamsOf = {
  create: CreateParams;
  attach: AttachParams;
  detach: DetachParams;
  failover: FailoverParams;
  init: InitParams;
  unfreeze: UnfreezeParams;
};

const schemas = {
  create: createParamsSchema,
  attach: attachParamsSchema,
  detach: detachParamsSchema,
  failover: failoverParamsSchema,
  init: initParamsSchema,
  unfreeze: unfreezeParamsSchema,
} as const;

/** Reads stored parameters back; undefined when they do not fit the kind (a corrupt or foreign record). */
export function readParams<K extends RequestKind>(kind: K, params: RequestParams): ParamsOf[K] | undefined {
  const parsed = schemas[kind].safeParse(params);
  return parsed.success ? (parsed.data as ParamsOf[K]) : undefined;
}

/** Drops `undefined` members so the value is plain JSON (what the store and the plan hash see). */
export function toJsonParams(params: ParamsOf[RequestKind]): RequestParams {
  return JSON.parse(JSON.stringify(params)) as RequestParams;
}
