/**
 * Who and where in the sandbox workspace: four people, their user groups, two channels and the
 * policy that ties them together. The policy goes through the same parser as a real POLICY_FILE, so
 * the sandbox can never run with a policy production would refuse.
 */
import { type Policy, parsePolicy } from '../workflow/policy.js';

export interface SandboxUser {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

export const TEAM_ID = 'T0SANDBOX';
export const BOT_USER_ID = 'U0DISKBOT';
export const BOT_ID = 'B0DISKBOT';
export const BOT_NAME = 'diskbot';

export const USERS = {
  engineer: { id: 'U0ENGINEER', name: 'Emma (engineer)', role: 'engineer' },
  approver: { id: 'U0APPROVER', name: 'Ari (approver)', role: 'approver' },
  approver2: { id: 'U0APPROVER2', name: 'Bo (second approver)', role: 'second approver' },
  oncall: { id: 'U0ONCALL', name: 'Olu (on-call)', role: 'on-call' },
} as const satisfies Record<string, SandboxUser>;

export const SANDBOX_USERS: readonly SandboxUser[] = Object.values(USERS);

export const CHANNELS = {
  ops: { id: 'C0STORAGEOPS', name: 'storage-ops' },
  audit: { id: 'C0DISKAUDIT', name: 'disk-audit' },
} as const;

export const USERGROUPS: Readonly<Record<string, readonly string[]>> = {
  S0STORAGE: [USERS.approver.id, USERS.approver2.id],
  S0ONCALL: [USERS.oncall.id],
};

/** The emulated accounts of the sandbox: `--account staging` works out of the box. */
export const SANDBOX_ACCOUNTS = { prod: '1111111111111111', staging: '2222222222222222' } as const;

/** Approval cards go to #storage-ops (where a workflow step's card goes too); transitions are echoed to audit. */
const POLICY_YAML = `
region: cn-hangzhou
channels: { approvals: ${CHANNELS.ops.id}, audit: ${CHANNELS.audit.id} }
actions:
  create: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  attach: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  detach: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  failover:
    approvers: { usergroups: [S0ONCALL, S0STORAGE] }
    quorum: 1
    expiresIn: 15m
    emergency: { requesters: { usergroups: [S0ONCALL] }, quorum: 0, review: required }
  init: { approvers: { usergroups: [S0STORAGE] }, quorum: 2, expiresIn: 24h }
  unfreeze: { approvers: { usergroups: [S0ONCALL, S0STORAGE] }, quorum: 1, expiresIn: 24h }
  resize: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  snapshot: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  delete: { approvers: { usergroups: [S0STORAGE] }, quorum: 2, expiresIn: 24h }
singleNodeFs: { quorum: 2 }
detachMounted: { quorum: 2 }
fencing: { mode: reservation }
watch: { interval: 10s, missedBeforeAlert: 2, remindAfter: 10m }
accounts:
  prod: { roleArn: "acs:ram::${SANDBOX_ACCOUNTS.prod}:role/shared-disk-bot" }
  staging: { roleArn: "acs:ram::${SANDBOX_ACCOUNTS.staging}:role/shared-disk-bot" }
`;

export function sandboxPolicy(): Policy {
  const parsed = parsePolicy(POLICY_YAML);
  // A failure here is a bug in the text above, not something a user can fix.
  if (!parsed.ok) throw new Error(`sandbox policy is invalid: ${parsed.message}`);
  return parsed.value;
}

export function userById(id: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((u) => u.id === id);
}
