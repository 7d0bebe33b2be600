import { describe, expect, it } from 'vitest';
import { actorMention, plainRequestCard, requestCard } from '../../src/slack/blocks/request-card.js';
import { requestLine } from '../../src/slack/blocks/request-list.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const base: DiskRequest = {
  id: 'R-ABCDEF1234',
  kind: 'attach',
  state: 'pending',
  requesterId: 'U0ALICE',
  channelId: 'C0X',
  params: {
    diskId: 'd-1',
    instanceIds: ['i-1'],
    allowSingleNodeFs: false,
    regionId: 'cn-hangzhou',
    reason: '<!here> *now* <http://evil|click>',
  },
  plan: [{ action: 'AttachDisk', params: { DiskId: 'd-1', InstanceId: 'i-1' } }],
  checks: [{ code: 'x', level: 'danger', message: 'mounted <@U0X>' }],
  planHash: 'a'.repeat(64),
  quorum: 2,
  approvals: [],
  stepCursor: 0,
  createdAt: 0,
  updatedAt: 0,
  expiresAt: 86_400_000,
};

describe('requestCard', () => {
  it('escapes every untrusted string and shows buttons only while pending', () => {
    const pending = JSON.stringify(requestCard(base).blocks);
    expect(pending).not.toContain('<!here>');
    expect(pending).not.toContain('<http://evil');
    expect(pending).not.toContain('<@U0X>');
    expect(pending).toContain('request_approve');
    expect(pending).toContain('Danger');
    const done = JSON.stringify(
      requestCard({ ...base, state: 'approved', decision: { by: 'bot', at: 1 } }).blocks,
    );
    expect(done).not.toContain('request_approve');
    expect(done).toContain('approved by the bot');
  });

  it('attributes a failure to the step and the cloud error, never to the approver, and offers Retry', () => {
    const failed = requestCard({
      ...base,
      state: 'failed',
      approvals: [{ userId: 'U0ARI', at: 1 }],
      decision: { by: 'U0ARI', at: 1 },
      outcome: {
        code: 'InvalidInstance.NotFound',
        message: 'AttachDisk i-1 failed: the instance does not exist.',
      },
    });
    const status = JSON.stringify(failed.blocks.find((b) => JSON.stringify(b).includes('Failed')));
    expect(status).toContain('InvalidInstance.NotFound');
    expect(status).toContain('AttachDisk i-1 failed');
    expect(status).not.toContain('U0ARI');
    expect(JSON.stringify(failed.blocks)).toContain('request_retry');
    const succeeded = requestCard({ ...base, state: 'succeeded', outcome: { code: 'ok', message: 'done' } });
    expect(JSON.stringify(succeeded.blocks)).not.toContain('request_retry');
  });

  it('mentions users and names the bot for its own actors', () => {
    expect(actorMention('U0BOB')).toBe('<@U0BOB>');
    expect(actorMention('W0ENT')).toBe('<@W0ENT>');
    expect(actorMention('bot')).toBe('the bot');
    expect(actorMention('system')).toBe('the bot');
  });

  it('names the account of a request on the card, the plain card and its list line; nothing without one', () => {
    const staging = { ...base, account: 'staging' };
    expect(JSON.stringify(requestCard(staging).blocks)).toContain('R-ABCDEF1234 · attach · account staging');
    expect(requestCard(staging).text).toContain('R-ABCDEF1234 · account staging:');
    expect(JSON.stringify(plainRequestCard(staging).blocks)).toContain(
      '· attach · account staging requested',
    );
    expect(requestLine(staging)).toContain('`R-ABCDEF1234` · account staging ');
    expect(JSON.stringify(requestCard(base))).not.toContain('account');
    expect(requestLine(base)).not.toContain('account');
  });
});
