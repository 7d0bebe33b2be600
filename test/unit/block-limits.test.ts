import { describe, expect, it } from 'vitest';
import type { MountTable } from '../../src/cloud/mounts.js';
import { SUBCOMMANDS } from '../../src/commands/index.js';
import type { ExecutionResult } from '../../src/jobs/ports.js';
import { attachFormModal, instanceOption } from '../../src/slack/blocks/attach-form.js';
import { createFormModal } from '../../src/slack/blocks/create-form.js';
import { executionResultMessage, stepLine } from '../../src/slack/blocks/execution.js';
import { helpBlocks } from '../../src/slack/blocks/help.js';
import {
  clip,
  joinWithin,
  plural,
  SLACK_LIMITS,
  slackDate,
  withSlackDates,
} from '../../src/slack/blocks/limits.js';
import { blocksProblems, messageProblems, viewProblems } from '../../src/slack/blocks/limits-check.js';
import { mountAlertMessage, mountTableBlocks } from '../../src/slack/blocks/mounts.js';
import { rejectModal } from '../../src/slack/blocks/reject-modal.js';
import { internalErrorMessage, usageErrorMessage } from '../../src/slack/blocks/replies.js';
import { plainRequestCard, requestCard, summarize } from '../../src/slack/blocks/request-card.js';
import { homeView, requestListBlocks } from '../../src/slack/blocks/request-list.js';
import { auditLine } from '../../src/slack/card-publisher.js';
import type { Check, DiskRequest, RequestState } from '../../src/workflow/request.js';
import { REQUEST_STATES } from '../../src/workflow/request.js';
import type { ReviewItem } from '../../src/workflow/reviews.js';

// ── Worst-case inputs: 16 instances, 2,000-character reasons (full of characters that grow when
// escaped), 64-character names, long cloud errors. ─────────────────────────────────────────────
const instances = Array.from({ length: 16 }, (_, i) => `i-bp1${String(i).padStart(2, '0')}${'x'.repeat(17)}`);
const name64 = `n${'a'.repeat(63)}`;
const reason2000 = '<@U0EVIL> & <!channel> *urgent* '.repeat(63).slice(0, 2000);
const cloudError = `InvalidOperation.Conflict: ${'the disk is in a state that does not allow this & <that> '.repeat(60)}`;
const LEVELS: readonly Check['level'][] = ['ok', 'warning', 'danger'];
const longChecks: Check[] = Array.from({ length: 20 }, (_, i) => ({
  code: `check_${i}`,
  level: LEVELS[i % 3] ?? 'ok',
  message: `${cloudError.slice(0, 480)} #${i}`,
}));

function request(kind: DiskRequest['kind'], state: RequestState, n = 0): DiskRequest {
  const base = {
    id: `R-ABCDEF${String(n).padStart(4, '0')}`,
    state,
    requesterId: 'U0ALICE',
    channelId: 'C0X',
    planHash: 'a'.repeat(64),
    quorum: 2,
    approvals: [
      { userId: 'U0BOB', at: 1 },
      { userId: 'U0CAROL', at: 2 },
    ],
    stepCursor: 0,
    createdAt: 0,
    updatedAt: 0,
    expiresAt: 86_400_000,
    checks: longChecks,
    ...(state === 'rejected'
      ? { rejection: { userId: 'U0BOB', at: 5, reason: reason2000.slice(0, 1000) } }
      : {}),
    ...(state === 'pending' ? {} : { decision: { by: 'U0BOB', at: 5 } }),
    ...(['succeeded', 'partial', 'failed'].includes(state)
      ? { outcome: { code: 'InvalidOperation.Conflict', message: cloudError } }
      : {}),
  };
  switch (kind) {
    case 'create':
      return {
        ...base,
        kind,
        params: { name: name64, sizeGiB: 65536, category: 'cloud_essd', reason: reason2000 },
        plan: [{ action: 'CreateDisk', params: { DiskName: name64, Size: 65536 } }],
      };
    case 'failover':
      return {
        ...base,
        kind,
        params: {
          diskId: `d-${'z'.repeat(20)}`,
          fromInstanceId: instances[0] ?? '',
          toInstanceId: instances[1] ?? '',
          emergencyReason: reason2000,
        },
        plan: [{ action: 'InvokeCommand', params: { InstanceId: instances[1] ?? '', Script: 'inspect' } }],
        emergency: true,
      };
    default:
      return {
        ...base,
        kind,
        params: {
          diskId: `d-${'z'.repeat(20)}`,
          instanceIds: instances,
          allowSingleNodeFs: true,
          regionId: 'cn-hangzhou',
          reason: reason2000,
        },
        plan: instances.map((id) => ({
          action: kind === 'attach' ? ('AttachDisk' as const) : ('DetachDisk' as const),
          params: { DiskId: `d-${'z'.repeat(20)}`, InstanceId: id },
        })),
      };
  }
}

const KINDS = ['create', 'attach', 'detach', 'failover'] as const;
const everyRequest = KINDS.flatMap((kind) => REQUEST_STATES.map((state) => request(kind, state)));

const mounts: MountTable = {
  diskId: `d-${'z'.repeat(20)}`,
  rows: instances.map((instanceId, i) => ({
    instanceId,
    instanceState: 'Running',
    attachment: 'attached',
    device: `/dev/nvme${i + 1}n1`,
    fstype: 'ext4',
    mountpoints: [`/mnt/${name64}`, `/srv/${name64}`],
    access: i === 0 ? 'rw' : 'fenced',
    ...(i === 0 ? {} : { why: cloudError }),
  })),
  alert: { fstype: 'ext4', instanceIds: instances },
  reservation: {
    holder: 'k1',
    type: 'write-exclusive',
    registrants: instances.map((id, i) => ({ key: `k${i}`, instanceId: id })),
  },
} as MountTable;

const result: ExecutionResult = {
  state: 'partial',
  outcome: { code: 'InvalidOperation.Conflict', message: cloudError },
  attachments: instances.map((instanceId, i) => ({
    instanceId,
    device: `/dev/xvd${String.fromCharCode(98 + i)}`,
    state: 'attached',
  })),
  failures: instances.map((instanceId) => ({
    instanceId,
    code: 'InvalidOperation.Conflict',
    message: cloudError,
  })),
  mounts,
  timeline: {
    steps: Array.from({ length: 12 }, (_, i) => ({
      label: `step ${i} ${name64}`,
      status: 'ok' as const,
      durationMs: 1234,
    })),
    totalMs: 99_999,
  },
};

const reviews: ReviewItem[] = Array.from({ length: 20 }, (_, i) => ({
  requestId: `R-REVIEW${String(i).padStart(4, '0')}`,
  diskId: 'd-1',
  summary: summarize(request('failover', 'succeeded')),
  reason: reason2000,
  requesterId: 'U0ALICE',
  channelId: 'C0X',
  state: 'open',
  openedAt: 1_700_000_000_000,
}));

const expectMessageOk = (message: { text?: string; blocks?: unknown }) =>
  expect(messageProblems(message, true)).toEqual([]);

describe('every Block Kit builder stays inside Slack’s limits on worst-case input', () => {
  it('approval cards (full and plain) of every kind in every state', () => {
    for (const r of everyRequest) {
      expectMessageOk(requestCard(r));
      expectMessageOk(plainRequestCard(r));
    }
  });

  it('a 16-instance attach and detach card: confirm text ≤ 300 and the list says how many are left out', () => {
    for (const kind of ['attach', 'detach'] as const) {
      const card = requestCard(request(kind, 'pending'));
      const confirm = JSON.stringify(card.blocks).match(
        /"confirm":\{"title".*?"text":\{"type":"mrkdwn","text":"(.*?)"\}/,
      );
      const text = JSON.parse(`"${confirm?.[1] ?? ''}"`) as string;
      expect(text.length).toBeGreaterThan(100);
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.confirmText);
      expect(text).toMatch(/… and \d+ more/);
    }
  });

  it('App Home with 100 pending requests, 20 of mine, 10 recent and 20 open reviews', () => {
    const awaiting = Array.from({ length: 100 }, (_, i) =>
      request(i % 2 ? 'attach' : 'detach', 'pending', i),
    );
    const mine = Array.from({ length: 20 }, (_, i) => request('attach', 'running', 200 + i));
    const recent = Array.from({ length: 10 }, (_, i) => request('detach', 'failed', 300 + i));
    const view = homeView({ notice: reason2000, mine, awaiting, recent, reviews });
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain(awaiting[0]?.id);
    expect(text).toMatch(/more request/);
    expect(viewProblems(homeView({ mine: [], awaiting: [], recent: [] }))).toEqual([]);
  });

  it('request lists, results, mount tables, alerts, progress lines and audit lines', () => {
    const page = Array.from({ length: 20 }, (_, i) => request('attach', 'pending', i));
    for (const filter of ['mine', 'pending', 'all'] as const) {
      expectMessageOk({ text: 'x', blocks: requestListBlocks(filter, page, 'c'.repeat(200)) });
    }
    for (const r of everyRequest) {
      expectMessageOk(executionResultMessage(r, result));
      expectMessageOk({
        text:
          auditLine({ event: 'finished', from: 'running', to: r.state, actor: 'U0BOB', at: 1, request: r }) ??
          '',
      });
    }
    expectMessageOk({ text: 'x', blocks: mountTableBlocks(mounts) });
    expectMessageOk(mountAlertMessage(`d-${'z'.repeat(20)}`, { fstype: 'ext4', instanceIds: instances }));
    expect(
      stepLine({ label: name64, status: 'failed', detail: cloudError, durationMs: 1 }).length,
    ).toBeLessThan(1000);
  });

  it('modals, help and replies', () => {
    expect(
      viewProblems(
        rejectModal(
          { id: 'R-ABCDEF1234', planHash: 'a'.repeat(64), channelId: 'C0X', fromHome: true },
          summarize(request('attach', 'pending')),
        ),
      ),
    ).toEqual([]);
    expect(viewProblems(createFormModal('C0X', 'cn-hangzhou-i'))).toEqual([]);
    for (const topic of [undefined, ...SUBCOMMANDS])
      expectMessageOk({ text: 'help', blocks: helpBlocks(topic) });
    expectMessageOk(
      usageErrorMessage({
        code: 'invalid_value',
        message: cloudError,
        usage: cloudError,
        subcommand: 'attach',
      } as Parameters<typeof usageErrorMessage>[0]),
    );
    expectMessageOk(internalErrorMessage('abcd1234'));
  });
});

describe('the limits checker reports what Slack would refuse, with the offending path', () => {
  it('names the path of an over-long confirm text, a long button, duplicate ids and too many blocks', () => {
    const button = (text: string, confirmText: string) => ({
      type: 'button',
      action_id: 'a',
      text: { type: 'plain_text', text },
      confirm: {
        title: { type: 'plain_text', text: 't' },
        text: { type: 'mrkdwn', text: confirmText },
        confirm: { type: 'plain_text', text: 'ok' },
        deny: { type: 'plain_text', text: 'no' },
      },
    });
    const problems = blocksProblems(
      [
        { type: 'section', block_id: 'x', text: { type: 'mrkdwn', text: 'hi' } },
        {
          type: 'actions',
          block_id: 'x',
          elements: [button('ok', 'y'.repeat(301)), button('b'.repeat(76), 'ok')],
        },
      ],
      'message',
    );
    expect(problems).toEqual([
      '[ERROR] duplicate block_id [json-pointer:/blocks/1/block_id]',
      '[ERROR] must be less than 301 characters [json-pointer:/blocks/1/elements/0/confirm/text/text]',
      '[ERROR] must be less than 76 characters [json-pointer:/blocks/1/elements/1/text/text]',
      '[ERROR] duplicate action_id [json-pointer:/blocks/1/elements/1/action_id]',
    ]);
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(blocksProblems(many, 'message')).toEqual([
      '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
    ]);
    expect(blocksProblems(many, 'home')).toEqual([]);
    expect(messageProblems({ blocks: [] }, true)).toHaveLength(1);
    expect(
      viewProblems({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] }),
    ).toEqual(['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]']);
  });
});

describe('shortening helpers', () => {
  it('clip never splits an escape or a token, and joinWithin says how many it left out', () => {
    expect(clip('abc &amp; def', 8)).toBe('abc…');
    expect(clip('see <@U0ALICE> now', 10)).toBe('see…');
    expect(clip('short', 10)).toBe('short');
    const joined = joinWithin(instances, 120);
    expect(joined.length).toBeLessThanOrEqual(120);
    expect(joined).toMatch(/^i-bp100x+, .* … and \d+ more$/);
    const hidden = Number(/and (\d+) more/.exec(joined)?.[1]);
    expect(joined.split(', ').length + hidden).toBe(16);
    expect(plural(1, 'instance')).toBe('1 instance');
    expect(plural(16, 'instance')).toBe('16 instances');
    expect(slackDate(1_764_498_180_000)).toBe(
      '<!date^1764498180^{date_short_pretty} {time}|2025-11-30 10:23 UTC>',
    );
  });
});

describe('times in Slack', () => {
  it('turns the domain’s ISO times into date tokens with a plain UTC fallback', () => {
    expect(withSlackDates('approved by <@U0B> at 2025-11-30T10:23:00.000Z.')).toBe(
      'approved by <@U0B> at <!date^1764498180^{date_short_pretty} {time}|2025-11-30 10:23 UTC>.',
    );
    expect(withSlackDates('no time here')).toBe('no time here');
  });
});

describe('names next to ids stay inside the limits too', () => {
  const name128 = `n${'ø'.repeat(127)}`;
  const withNames = (r: DiskRequest): DiskRequest => {
    const ids = [r.params.diskId, r.params.fromInstanceId, r.params.toInstanceId, ...instances];
    const names = Object.fromEntries(ids.filter((id) => typeof id === 'string').map((id) => [id, name128]));
    return { ...r, params: { ...r.params, names } };
  };

  it('cards, lists, Home and results of requests whose disk and 16 instances have 128-character names', () => {
    const named = everyRequest.map(withNames);
    for (const r of named) {
      expectMessageOk(requestCard(r));
      expectMessageOk(plainRequestCard(r));
      expectMessageOk(executionResultMessage(r, result));
    }
    expect(summarize(named.find((r) => r.kind === 'attach')!)).toContain(name128.slice(0, 20));
    const awaiting = Array.from({ length: 100 }, (_, i) => withNames(request('attach', 'pending', i)));
    expect(viewProblems(homeView({ mine: [], awaiting, recent: [], reviews }))).toEqual([]);
    expectMessageOk({ text: 'x', blocks: requestListBlocks('all', awaiting.slice(0, 20), undefined) });
    const namedMounts = { ...mounts, names: Object.fromEntries(instances.map((id) => [id, name128])) };
    expectMessageOk({ text: 'x', blocks: mountTableBlocks(namedMounts) });
  });

  it('the attach form and its picker options', () => {
    const disk = {
      diskId: `d-${'z'.repeat(20)}`,
      diskName: name128,
      regionId: 'cn-hangzhou',
      zoneId: 'cn-hangzhou-i',
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 65536,
      status: 'In_use',
      multiAttach: true,
      chargeType: 'PostPaid',
      serialNumber: 'x',
      attachments: [],
      tags: {},
    };
    expect(
      viewProblems(attachFormModal({ channelId: 'C0X', disk, reason: reason2000.slice(0, 500) })),
    ).toEqual([]);
    for (const id of instances) {
      const option = instanceOption({
        instanceId: id,
        instanceName: name128,
        status: 'Running',
        zoneId: 'cn-hangzhou-i',
        instanceType: 'ecs.g8i.xlarge',
        imageId: 'img',
      });
      expect(option.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
      expect(option.text.text).toContain(id);
    }
  });
});
