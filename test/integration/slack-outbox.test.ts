import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import type { SlackOutbox } from '../../src/slack/outbox/outbox.js';
import { cardEntryId } from '../../src/slack/outbox/writes.js';
import { createSlackOutbox, writeClient } from '../../src/wiring/outbox.js';
import type { ApprovalService } from '../../src/workflow/approval-service.js';
import { PendingExecutor } from '../../src/workflow/executor.js';
import { LogCapture, TEST_BOT_TOKEN } from '../support/bot.js';
import { approvalService } from '../support/execution-harness.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack.js';

let fake: FakeSlack;
let redis: Redis;
let prefix: string;
let service: ApprovalService;
const running: SlackOutbox[] = [];

/** One replica's outbox on the shared Redis prefix, with the real wiring (no client retries). */
function replica(): SlackOutbox {
  const outbox = createSlackOutbox({
    redis,
    keyPrefix: prefix,
    client: writeClient({ apiUrl: fake.apiUrl }),
    token: () => TEST_BOT_TOKEN,
    service: () => service,
    cardDeadlineMs: 60_000,
    logger: createLogger('debug', new LogCapture()),
    metrics: createMetrics(),
  });
  running.push(outbox);
  return outbox;
}

beforeAll(async () => {
  fake = await startFakeSlack();
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await fake.close();
  redis.disconnect();
});
beforeEach(async () => {
  for (const outbox of running.splice(0)) await outbox.stop();
  fake.reset();
  fake.faults(undefined);
  fake.on('chat.postMessage', undefined);
  fake.on('chat.update', undefined);
  prefix = `sdb-outbox:${randomUUID()}:`;
  service = approvalService(redis, prefix, () => new PendingExecutor());
});

const accepted = (channel: string) => (c: RecordedCall) =>
  c.method === 'chat.postMessage' && c.body.channel === channel && c.answer?.status === 200;

describe('the Slack outbox', () => {
  it('two replicas owing the same post send it once, and a delivered post is not queued again', async () => {
    const [a, b] = [replica(), replica()];
    const post = { kind: 'post' as const, channel: 'C0ONE', message: { text: 'once' } };
    const delivered = a.delivered('line:1', 5_000);
    await Promise.all([a.put('line:1', post, 'critical', 'once'), b.put('line:1', post, 'critical', 'once')]);
    expect(await delivered).toMatchObject({ ok: true, channel: 'C0ONE' });
    await b.put('line:1', post, 'critical', 'once');
    const other = b.delivered('line:2', 5_000);
    await b.put('line:2', { ...post, message: { text: 'next' } }, 'critical', 'once');
    await other;
    expect(fake.calls.filter(accepted('C0ONE')).map((c) => c.body.text)).toEqual(['once', 'next']);
  });

  it('a 429 in one channel holds that channel for its Retry-After and nothing else', async () => {
    const outbox = replica();
    fake.on('chat.postMessage', (body) =>
      body.channel === 'C0BUSY'
        ? { status: 429, headers: { 'retry-after': '3' }, json: { ok: false, error: 'ratelimited' } }
        : { json: { ok: true, channel: body.channel, ts: '1.000001' } },
    );
    await outbox.put('busy', { kind: 'post', channel: 'C0BUSY', message: { text: 'b' } }, 'critical', 'once');
    await fake.waitFor((c) => c.body.channel === 'C0BUSY' && c.answer?.status === 429);
    const started = performance.now();
    const quiet = outbox.delivered('quiet', 5_000);
    await outbox.put(
      'quiet',
      { kind: 'post', channel: 'C0QUIET', message: { text: 'q' } },
      'critical',
      'once',
    );
    expect(await quiet).toMatchObject({ ok: true });
    expect(performance.now() - started).toBeLessThan(1_000);
    fake.on('chat.postMessage', undefined);
    await fake.waitFor((c) => c.body.channel === 'C0BUSY' && c.answer?.status === 200, 6_000);
    expect(fake.calls.filter((c) => c.body.channel === 'C0BUSY').map((c) => c.answer?.status)).toEqual([
      429, 200,
    ]);
  });

  it('an edit of a known message is a chat.update of that ts; one Slack refuses for good is not sent again', async () => {
    const outbox = replica();
    const edit = (ts: string) => ({
      kind: 'edit' as const,
      channel: 'C0EDIT',
      ts,
      message: { text: `ended ${ts}` },
    });
    const edited = outbox.delivered('edit:1', 5_000);
    await outbox.put('edit:1', edit('1.000001'), 'critical', 'once');
    expect(await edited).toMatchObject({ ok: true, channel: 'C0EDIT', ts: '1.000001' });
    fake.on('chat.update', () => ({ json: { ok: false, error: 'message_not_found' } }));
    const refused = outbox.delivered('edit:2', 5_000);
    await outbox.put('edit:2', edit('1.000002'), 'critical', 'once');
    expect(await refused).toEqual({ ok: false, error: 'message_not_found' });
    fake.on('chat.update', undefined);
    expect(fake.apiCalls('chat.update').map((c) => [c.body.ts, c.body.text])).toEqual([
      ['1.000001', 'ended 1.000001'],
      ['1.000002', 'ended 1.000002'],
    ]);
  });

  it('a card owed through an outage is posted once, in its latest state; superseded states are never sent', async () => {
    const opened = await service.open({
      kind: 'attach',
      requesterId: 'UREQ',
      channelId: 'C0CARDS',
      params: { diskId: 'd-1', instanceIds: ['i-2'] },
      plan: [{ action: 'AttachDisk', params: { DiskId: 'd-1', InstanceId: 'i-2' } }],
    });
    if (!opened.ok) throw new Error(opened.message);
    const id = cardEntryId(opened.value.id);
    fake.faults({ outage: true, failStatus: 503 });
    const outbox = replica();
    const card = (text: string) => ({
      kind: 'card' as const,
      requestId: opened.value.id,
      channel: 'C0CARDS',
      message: { text },
    });
    await outbox.put(id, card('state 1'), 'critical', 'latest');
    await fake.waitFor((c) => c.answer?.status === 503);
    await outbox.put(id, card('state 2'), 'critical', 'latest');
    await outbox.put(id, card('state 3'), 'critical', 'latest');
    const delivered = outbox.delivered(id, 10_000);
    fake.faults(undefined);
    expect(await delivered).toMatchObject({ ok: true, channel: 'C0CARDS' });
    expect(fake.calls.filter(accepted('C0CARDS')).map((c) => c.body.text)).toEqual(['state 3']);
    expect((await service.get(opened.value.id))?.card?.channelId).toBe('C0CARDS');
    // The card is up: its next state is an edit, not a second card.
    const edited = outbox.delivered(id, 5_000);
    await outbox.put(id, card('state 4'), 'critical', 'latest');
    await edited;
    expect(fake.calls.filter(accepted('C0CARDS'))).toHaveLength(1);
    expect(fake.apiCalls('chat.update').map((c) => c.body.text)).toEqual(['state 4']);
  });
});
