import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  UNPACED,
  USERS,
} from '../support/approval-bot.js';
import {
  EMULATOR_ASSISTANT_POLLING,
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
} from '../support/execution-emulator.js';
import type { RecordedCall } from '../support/fake-slack.js';

let emu: EmulatorHarness;
let h: ApprovalHarness;
const json = (call: RecordedCall) => JSON.stringify(call.body);
const sixteen = SEED.instances.nvmeI.slice(0, 16).map((i) => i.id);

beforeAll(async () => {
  emu = await startHarness({ latency: QUICK_LATENCY });
  h = await startApprovalHarness({
    slackPacing: UNPACED,
    cloud: {
      gateway: emu.gateway(),
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      assistantPolling: EMULATOR_ASSISTANT_POLLING,
      execution: { pollIntervalMs: 50 },
    },
  });
});
afterAll(async () => {
  await h.close();
  await emu.close();
});

let count = 0;
/** Runs a command as Alice and returns what the bot told her through response_url. */
async function command(text: string): Promise<RecordedCall> {
  const id = `x-${++count}`;
  expect(
    (await h.client.command({ text, userId: USERS.alice, responseUrl: h.fake.responseUrl(id) })).status,
  ).toBe(200);
  return h.fake.waitFor((c) => c.method === `/response/${id}`, 15_000);
}

/** Opens a request, has Bob approve it, and returns the final result broadcast from the card's thread. */
async function requestAndApprove(text: string): Promise<{ requestId: string; result: RecordedCall }> {
  const reply = await command(text);
  const requestId = /R-[0-9A-Z]{10}/.exec(json(reply))?.[0];
  if (!requestId) throw new Error(`no request opened: ${json(reply)}`);
  const request = await h.bot.service.get(requestId);
  if (!request?.card) throw new Error('card not attached');
  await h.client.click({
    userId: USERS.bob,
    actionId: ACTION_APPROVE,
    value: JSON.stringify({ id: requestId, planHash: request.planHash }),
    channelId: APPROVALS_CHANNEL,
    messageTs: request.card.ts,
    responseUrl: h.fake.responseUrl(`approve-${requestId}`),
  });
  const result = await h.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.body.reply_broadcast === 'true' &&
      json(c).includes(requestId) &&
      /succeeded|partial|failed/.test(json(c)),
    30_000,
  );
  return { requestId, result };
}

describe('execution end to end: signed HTTP → approval → real SDK → emulator', () => {
  let diskId = '';

  it('/disk create → approve → a multi-attach ESSD exists', async () => {
    const { requestId, result } = await requestAndApprove(
      'create shared-db --size 100 --zone cn-hangzhou-i --tag team=storage',
    );
    expect(json(result)).toContain('succeeded');
    expect((await h.bot.service.get(requestId))?.state).toBe('succeeded');
    const disk = (await emu.state()).disks.find((d) => d.name === 'shared-db');
    expect(disk).toMatchObject({ multiAttach: 'Enabled', status: 'Available' });
    diskId = disk?.diskId ?? '';
  });

  it('/disk attach to 16 instances → approve → all 16 attached and a table posted', async () => {
    const { requestId, result } = await requestAndApprove(`attach ${diskId} ${sixteen.join(' ')}`);
    expect(json(result)).toContain('succeeded');
    const table = (result.body.blocks as { text?: { text: string } }[])
      .map((b) => b.text?.text ?? '')
      .find((t) => t.startsWith('```instance'));
    for (const id of sixteen) expect(table).toMatch(new RegExp(`${id}\\s+attached\\s+/dev/`));
    const disk = (await emu.state()).disks.find((d) => d.diskId === diskId);
    expect(disk?.attachments.map((a) => a.instanceId).sort()).toEqual([...sixteen].sort());
    // Progress goes in the outbox's background lane, behind the result a person waits for.
    await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.body.thread_ts !== undefined && json(c).includes('AttachDisk'),
      10_000,
    );
    expect((await h.bot.service.get(requestId))?.state).toBe('succeeded');
  });

  it('refuses a 17th instance at preflight, explaining the limit, without opening a request', async () => {
    const cardsBefore = h.fake
      .apiCalls('chat.postMessage')
      .filter((c) => c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts).length;
    const reply = await command(`attach ${diskId} ${SEED.instances.nvmeI[16]?.id}`);
    expect(json(reply)).toContain('A multi-attach disk serves at most');
    expect(json(reply)).toContain('16');
    const cardsAfter = h.fake
      .apiCalls('chat.postMessage')
      .filter((c) => c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts).length;
    expect(cardsAfter).toBe(cardsBefore);
  });

  it('answers /disk status and /disk list from the cloud without an approval', async () => {
    const status = json(await command(`status ${diskId}`));
    expect(status).toContain('16/16 attached');
    for (const id of sixteen) expect(status).toContain(id);
    const list = json(await command('list --zone cn-hangzhou-i'));
    expect(list).toContain(diskId);
    expect(list).toContain(SEED.disks.sharedExt4.diskId);
  });

  it('exports request transitions and ECS calls on /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.slack.port}/metrics`)).text();
    expect(metrics).toContain(
      'sdb_request_transitions_total{kind="attach",event="finished",to="succeeded"} 1',
    );
    expect(metrics).toContain(
      'sdb_request_transitions_total{kind="create",event="approved",to="approved"} 1',
    );
    expect(metrics).toMatch(/sdb_ecs_calls_total\{action="AttachDisk",code="OK"\} 16/);
  });

  it('refuses an attach of a non-NVMe instance at preflight', async () => {
    const reply = await command(
      `attach ${SEED.disks.sharedExt4.diskId} ${SEED.instances.noNvmeTypeI[0]?.id}`,
    );
    expect(json(reply)).toMatch(/nvme/i);
    expect(json(reply)).toContain('Nothing was requested');
  });
});
