/**
 * RAM authorization as the emulator enforces it: a policy document (Version "1", Allow/Deny
 * statements with Action, Resource and Condition) per access key. A call is allowed when every
 * resource it touches is matched by an Allow statement and by no Deny statement; otherwise it is
 * `Forbidden.RAM` with an `AccessDeniedDetail`, as ECS answers (see README, Security).
 */
import { z } from 'zod';

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const conditionBlock = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])));

export const ramPolicySchema = z.strictObject({
  Version: z.literal('1'),
  Statement: z
    .array(
      z.strictObject({
        Sid: z.string().optional(),
        Effect: z.enum(['Allow', 'Deny']),
        Action: stringOrList,
        Resource: stringOrList,
        Condition: conditionBlock.optional(),
      }),
    )
    .min(1),
});
export type RamPolicy = z.infer<typeof ramPolicySchema>;
type Statement = RamPolicy['Statement'][number];

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** One resource a call acts on: its ARN (or `*` for actions without resource-level authorization). */
export interface AuthResource {
  readonly arn: string;
  readonly tags: readonly Tag[];
}

export interface AuthRequest {
  /** `ecs:AttachDisk` */
  readonly action: string;
  readonly resources: readonly AuthResource[];
  /** Tags the request sets on what it creates (`acs:RequestTag/<key>`). */
  readonly requestTags: readonly Tag[];
}

export type AuthDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly explicit: boolean; readonly resource: string };

const list = (value: string | readonly string[]): readonly string[] =>
  typeof value === 'string' ? [value] : value;

/** RAM wildcards: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(text);
}

/** Tag condition keys: ECS's `ecs:tag/<key>` and the generic `acs:ResourceTag/<key>`, `acs:RequestTag/<key>`. */
function conditionValues(key: string, resource: AuthResource, request: AuthRequest): string[] | undefined {
  const lower = key.toLowerCase();
  const from = (tags: readonly Tag[], tagKey: string) => {
    const values = tags.filter((t) => t.key === tagKey).map((t) => t.value);
    return values.length > 0 ? values : undefined;
  };
  if (lower.startsWith('ecs:tag/')) return from(resource.tags, key.slice('ecs:tag/'.length));
  if (lower.startsWith('acs:resourcetag/')) return from(resource.tags, key.slice('acs:ResourceTag/'.length));
  if (lower.startsWith('acs:requesttag/'))
    return from(request.requestTags, key.slice('acs:RequestTag/'.length));
  return undefined;
}

function conditionHolds(
  operator: string,
  actual: string[] | undefined,
  expected: readonly string[],
): boolean {
  switch (operator) {
    case 'StringEquals':
      return (actual ?? []).some((a) => expected.includes(a));
    case 'StringEqualsIgnoreCase':
      return (actual ?? []).some((a) => expected.some((e) => e.toLowerCase() === a.toLowerCase()));
    case 'StringLike':
      return (actual ?? []).some((a) => expected.some((e) => wildcardMatch(e, a)));
    case 'StringNotEquals':
      return actual === undefined || actual.every((a) => !expected.includes(a));
    case 'StringNotLike':
      return actual === undefined || actual.every((a) => !expected.some((e) => wildcardMatch(e, a)));
    default:
      // An operator the emulator does not know never matches: it fails closed for Allow.
      return false;
  }
}

function statementMatches(statement: Statement, resource: AuthResource, request: AuthRequest): boolean {
  if (!list(statement.Action).some((a) => wildcardMatch(a, request.action, true))) return false;
  if (!list(statement.Resource).some((r) => wildcardMatch(r, resource.arn))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, conditionValues(key, resource, request), list(expected))) return false;
    }
  }
  return true;
}

export function authorize(policy: RamPolicy, request: AuthRequest): AuthDecision {
  for (const resource of request.resources) {
    const matching = policy.Statement.filter((s) => statementMatches(s, resource, request));
    if (matching.some((s) => s.Effect === 'Deny'))
      return { allowed: false, explicit: true, resource: resource.arn };
    if (!matching.some((s) => s.Effect === 'Allow')) {
      return { allowed: false, explicit: false, resource: resource.arn };
    }
  }
  return { allowed: true };
}

/** Parses a policy document (the JSON of `manifests/ram-policy.json`). @throws Error naming the problem. */
export function parseRamPolicy(text: string | unknown): RamPolicy {
  const value = typeof text === 'string' ? (JSON.parse(text) as unknown) : text;
  const parsed = ramPolicySchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `not a RAM policy document: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
