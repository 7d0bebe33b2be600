import { CodedError } from '../errors.js';
import {
  type Approval,
  type DiskRequest,
  isRequestState,
  type RequestBody,
  requestBodySchema,
} from '../workflow/request.js';

/**
 * How one request is laid out in its hash. Scalars the scripts read or write live in their own
 * fields; the immutable rest (kind, channel, params, plan, checks) is one JSON `body` field; each
 * counted approval is a field `a:<userId>` holding its time.
 */
export const APPROVAL_FIELD_PREFIX = 'a:';

/** The JSON `body` of a new request (everything the scripts never look into). */
export function encodeBody(request: DiskRequest): string {
  const body: RequestBody = {
    kind: request.kind,
    channelId: request.channelId,
    params: request.params,
    plan: request.plan.map((step) => ({ action: step.action, params: { ...step.params } })),
    checks: request.checks.map((c) => ({ ...c })),
    ...(request.emergency ? { emergency: true } : {}),
    ...(request.review ? { review: request.review } : {}),
    ...(request.origin ? { origin: { ...request.origin } } : {}),
    ...(request.account ? { account: request.account } : {}),
  };
  return JSON.stringify(body);
}

function corrupt(id: string, what: string): never {
  throw new CodedError('store_corrupt', `Stored request ${id} is unreadable: ${what}`, { details: { id } });
}

function int(id: string, hash: Record<string, string>, field: string): number {
  const value = Number(hash[field]);
  if (hash[field] === undefined || !Number.isSafeInteger(value))
    corrupt(id, `${field} is not a whole number`);
  return value;
}

function optionalInt(hash: Record<string, string>, field: string): number | undefined {
  const raw = hash[field];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Rebuilds a request from HGETALL; undefined for a missing key; throws `store_corrupt` on garbage. */
export function decodeRequest(id: string, hash: Record<string, string>): DiskRequest | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const state = hash.state;
  if (state === undefined || !isRequestState(state)) corrupt(id, `unknown state ${JSON.stringify(state)}`);
  let json: unknown;
  try {
    json = JSON.parse(hash.body ?? '');
  } catch {
    corrupt(id, 'body is not JSON');
  }
  const body = requestBodySchema.safeParse(json);
  if (!body.success) corrupt(id, `body does not match the schema (${body.error.issues[0]?.message ?? ''})`);

  const approvals: Approval[] = [];
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(APPROVAL_FIELD_PREFIX)) {
      approvals.push({ userId: field.slice(APPROVAL_FIELD_PREFIX.length), at: Number(value) });
    }
  }
  approvals.sort((a, b) => a.at - b.at || (a.userId < b.userId ? -1 : 1));

  const decidedAt = optionalInt(hash, 'decidedAt');
  const rejAt = optionalInt(hash, 'rejAt');
  return {
    id,
    kind: body.data.kind,
    state,
    requesterId: hash.requester ?? corrupt(id, 'no requester'),
    channelId: body.data.channelId,
    params: body.data.params,
    plan: body.data.plan,
    checks: body.data.checks,
    planHash: hash.planHash ?? corrupt(id, 'no planHash'),
    quorum: int(id, hash, 'quorum'),
    approvals,
    ...(hash.rejBy !== undefined && rejAt !== undefined
      ? { rejection: { userId: hash.rejBy, at: rejAt, reason: hash.rejReason ?? '' } }
      : {}),
    ...(hash.decidedBy !== undefined && decidedAt !== undefined
      ? { decision: { by: hash.decidedBy, at: decidedAt } }
      : {}),
    ...(hash.cardChannel !== undefined && hash.cardTs !== undefined
      ? { card: { channelId: hash.cardChannel, ts: hash.cardTs } }
      : {}),
    stepCursor: int(id, hash, 'cursor'),
    createdAt: int(id, hash, 'createdAt'),
    updatedAt: int(id, hash, 'updatedAt'),
    expiresAt: int(id, hash, 'expiresAt'),
    ...(hash.outCode !== undefined ? { outcome: { code: hash.outCode, message: hash.outMsg ?? '' } } : {}),
    ...(body.data.emergency ? { emergency: true } : {}),
    ...(body.data.review ? { review: body.data.review } : {}),
    ...(body.data.origin ? { origin: body.data.origin } : {}),
    ...(body.data.account ? { account: body.data.account } : {}),
  };
}
