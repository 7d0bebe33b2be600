/**
 * Issue 21 point 4: names on every surface. Every Block Kit builder that shows a disk or an
 * instance is rendered with a names map, and every line that shows an id also shows its name
 * (`name (id)`, or the table row's name column), through the one helper `namedId`.
 */
import { describe, expect, it } from 'vitest';
import type { MountTable } from '../../src/cloud/mounts.js';
import type { ExecutionResult } from '../../src/jobs/ports.js';
import { executionResultMessage, stepLine } from '../../src/slack/blocks/execution.js';
import { mountAlertMessage, mountTableBlocks } from '../../src/slack/blocks/mounts.js';
import { plainRequestCard, requestCard } from '../../src/slack/blocks/request-card.js';
import { homeView, requestListBlocks } from '../../src/slack/blocks/request-list.js';
import {
  attachmentNoticeMessage,
  endedAlertMessage,
  healthLine,
  incidentMessage,
  resolvedMessage,
} from '../../src/slack/blocks/watch.js';
import { namedId, nameIds } from '../../src/workflow/names.js';
import type { Check, DiskRequest, RequestKind, RequestState } from '../../src/workflow/request.js';
import type { IncidentRecord } from '../../src/workflow/watch-rules.js';

const DISK = 'd-bp1shared01';
const [WEB1, WEB2, DB3] = ['i-bp1web01', 'i-bp1web02', 'i-bp1db03'] as const;
/** What name resolution stored with the request: the disk and the instances the command named. */
const REQUEST_NAMES = { [DISK]: 'shared-db', [WEB1]: 'web-1', [WEB2]: 'web-2' };
/** Everything a surface may show, the instance the request did not name included. */
const ALL_NAMES: Record<string, string> = { ...REQUEST_NAMES, [DB3]: 'db-3' };
const ID = /(?<![\w-])[di]-[a-z0-9]+(?![\w-])/g;

/** Every `text` a message, view or block list shows, split into lines. */
function shownLines(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(shownLines);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'text' && typeof v === 'string' ? v.split('\n') : shownLines(v),
  );
}

/** A command to type (`/disk status d-1`) shows the id alone, as it is typed. */
const COMMAND = /`\/disk [^`]*`/g;

/** The lines that show an id of a known name without that name. */
function unnamed(value: unknown): string[] {
  return shownLines(value)
    .map((line) => line.replace(COMMAND, ''))
    .filter((line) =>
      [...line.matchAll(ID)].some(
        ([id]) => ALL_NAMES[id] !== undefined && !line.includes(ALL_NAMES[id] ?? ''),
      ),
    );
}

const checks: Check[] = [
  { code: 'already_attached', level: 'ok', message: `Already attached to ${WEB1}: skipped.` },
  { code: 'init_running', level: 'ok', message: `Attached to 3 Running instance(s): ${WEB1}, ${WEB2}.` },
  { code: 'fs', level: 'danger', message: `ext4 is mounted read-write on ${WEB2} (${DISK}).` },
];

function request(kind: RequestKind, state: RequestState): DiskRequest {
  const params: Record<string, DiskRequest['params'][string]> = {
    attach: { diskId: DISK, instanceIds: [WEB1, WEB2], regionId: 'cn-hangzhou', allowSingleNodeFs: false },
    detach: { diskId: DISK, instanceIds: [WEB1, WEB2], regionId: 'cn-hangzhou', force: false },
    failover: { diskId: DISK, fromInstanceId: WEB1, toInstanceId: WEB2, regionId: 'cn-hangzhou' },
    init: { diskId: DISK, regionId: 'cn-hangzhou', fs: 'ocfs2', mountpoint: '/shared', slots: 16 },
  };
  return {
    id: 'R-ABCDEF0001',
    kind,
    state,
    requesterId: 'U0ALICE',
    channelId: 'C0X',
    planHash: 'a'.repeat(64),
    quorum: 1,
    approvals: [],
    stepCursor: 0,
    createdAt: 0,
    updatedAt: 0,
    expiresAt: 86_400_000,
    params: { ...(params[kind] as object), names: REQUEST_NAMES } as DiskRequest['params'],
    plan: [{ action: 'AttachDisk', params: { DiskId: DISK, InstanceId: WEB1 } }],
    checks,
    ...(state === 'partial'
      ? {
          outcome: {
            code: 'ocfs2_mount_failed',
            message: `Attached and joined, but not mounted on ${WEB2}.`,
          },
        }
      : {}),
  } as DiskRequest;
}

const mounts: MountTable = {
  diskId: DISK,
  rows: [WEB1, WEB2, DB3].map((instanceId, i) => ({
    instanceId,
    instanceState: 'Running',
    attachment: 'attached',
    device: `/dev/nvme${i + 1}n1`,
    fstype: 'ext4',
    mountpoints: ['/data'],
    access: i === 0 ? 'rw' : 'fenced',
    ...(i === 0 ? {} : { why: `fenced out of the reservation held by ${WEB1}` }),
  })),
  alert: { fstype: 'ext4', instanceIds: [WEB1, DB3] },
  names: { [DB3]: 'db-3' },
} as MountTable;

const result: ExecutionResult = {
  state: 'partial',
  outcome: { code: 'ocfs2_mount_failed', message: `Attached and joined, but not mounted on ${WEB2}.` },
  // DB3 was attached before; the request did not name it, the mount table read its name.
  attachments: [WEB1, WEB2, DB3].map((instanceId) => ({
    instanceId,
    device: '/dev/xvdb',
    state: 'attached',
  })),
  failures: [{ instanceId: WEB2, code: 'ocfs2_mount_failed', message: `mount on ${WEB2} failed` }],
  mounts,
};

const incident: IncidentRecord = {
  diskId: DISK,
  kind: 'primary_down',
  channelId: 'C0WATCH',
  openedAt: 1_700_000_000_000,
  lastAlertAt: 1_700_000_000_000,
  summary: `The primary ${namedId(ALL_NAMES, WEB1)} is Running but its guest has not answered.`,
  details: { names: ALL_NAMES },
  failover: { from: WEB1, to: WEB2 },
  notified: true,
};
const view = { resolvedAt: 1_700_000_060_000, requests: [] };
const entry = {
  diskId: DISK,
  regionId: 'cn-hangzhou',
  channelId: 'C0WATCH',
  addedBy: 'U0ALICE',
  addedAt: 0,
  source: 'command' as const,
};
const state = { attachments: [WEB1, WEB2], misses: {}, primary: WEB1, names: ALL_NAMES, at: 0 };

const KINDS: RequestKind[] = ['attach', 'detach', 'failover', 'init'];
const STATES: RequestState[] = ['pending', 'partial'];
const every = KINDS.flatMap((kind) => STATES.map((s) => request(kind, s)));

/** Each builder, rendered with names. */
const BUILDERS: Record<string, () => unknown> = {
  requestCard: () => every.map(requestCard),
  plainRequestCard: () => every.map(plainRequestCard),
  executionResultMessage: () => KINDS.map((k) => executionResultMessage(request(k, 'partial'), result)),
  stepLine: () => ({
    text: stepLine(
      { label: `Mounted at /shared`, status: 'failed', detail: `${WEB2}: refused`, durationMs: 1 },
      REQUEST_NAMES,
    ),
  }),
  mountTableBlocks: () => mountTableBlocks({ ...mounts, names: ALL_NAMES }),
  mountAlertMessage: () => mountAlertMessage(DISK, { fstype: 'ext4', instanceIds: [WEB1, DB3] }, ALL_NAMES),
  requestListBlocks: () => requestListBlocks('all', every, undefined),
  homeView: () =>
    homeView({
      mine: every,
      awaiting: every,
      recent: [],
      reviews: [
        {
          requestId: 'R-ABCDEF0001',
          requesterId: 'U0ALICE',
          summary: `failover ${namedId(ALL_NAMES, DISK)}`,
          reason: 'primary down',
          state: 'open',
          openedAt: 0,
        } as never,
      ],
    }),
  incidentMessage: () => incidentMessage('opened', incident, { emergency: true, remindAfterMs: 60_000 }),
  resolvedMessage: () => resolvedMessage(incident, view),
  endedAlertMessage: () => endedAlertMessage(incident, view),
  attachmentNoticeMessage: () =>
    attachmentNoticeMessage(entry, {
      added: [{ instanceId: DB3, attachedTime: '2026-01-01T00:00:00Z' }],
      removed: [WEB2],
      seenAt: 0,
      names: ALL_NAMES,
    }),
  healthLine: () => ({ text: healthLine(entry, state, []) }),
  healthLineOpen: () => ({ text: healthLine(entry, state, [incident]) }),
};

describe('names on every surface', () => {
  it.each(Object.keys(BUILDERS))('%s shows every known id with its name', (builder) => {
    const rendered = BUILDERS[builder]?.();
    const lines = shownLines(rendered);
    expect(lines.some((l) => l.match(ID) !== null)).toBe(true);
    expect(unnamed(rendered)).toEqual([]);
  });

  it('the result table names the instance the request did not touch, from the mount table', () => {
    const text = JSON.stringify(executionResultMessage(request('attach', 'partial'), result));
    expect(text).toMatch(new RegExp(`${DB3} +attached +\\S+ +db-3`));
  });
});

describe('nameIds (one helper for sentences built from ids)', () => {
  it('names each known id once and leaves `name (id)` as it is', () => {
    expect(nameIds(`on ${WEB1} and web-2 (${WEB2}) of ${DISK}; ${DB3}`, REQUEST_NAMES)).toBe(
      `on web-1 (${WEB1}) and web-2 (${WEB2}) of shared-db (${DISK}); ${DB3}`,
    );
  });

  it('does not touch an id inside a longer word or a request id', () => {
    expect(nameIds(`x${WEB1} ${WEB1}-b R-ABCDEF0001`, REQUEST_NAMES)).toBe(`x${WEB1} ${WEB1}-b R-ABCDEF0001`);
  });
});
