import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_APPROVE, ACTION_RETRY } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  AUDIT_CHANNEL,
  startApprovalHarness,
  USERS,
} from '../support/approval-bot.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import type { RecordedCall } from '../support/fake-slack.js';

let emu: EmulatorHarness;
let h: ApprovalHarness;
const json = (call: RecordedCall) => JSON.stringify(call.body);
const [first, second] = SEED.instances.nvmeI.map((i) => i.id);

beforeAll(async () => {
  emu = await startHarness();
  h = await startApprovalHarness({
    cloud: {
      gateway: emu.gateway(),
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      execution: { pollIntervalMs: 100 },
    },
  });
});
afterAll(async () => {
  await h.close();
  await emu.close();
});

async function command(text: string, path: string): Promise<string> {
  const res = await h.client.command({ text, userId: USERS.alice, responseUrl: h.fake.responseUrl(path) });
  expect(res.status).toBe(200);
  const reply = json(await h.fake.waitFor((c) => c.method === `/response/${path}`, 15_000));
  const id = /R-[0-9A-Z]{10}/.exec(reply)?.[0];
  if (!id) throw new Error(`no request opened: ${reply}`);
  return id;
}

describe('a failed result: the requester mentioned, the cloud error named, Retry opens a new request', () => {
  it('attach fails in the cloud → result mentions Alice and the error, not the approver → Retry → new pending request', async () => {
    const diskId = await createAvailableDisk(emu.gateway(), 'retry-disk');
    const id = await command(`attach ${diskId} ${first} ${second} --reason "retry me"`, 'retry-open');
    // Every AttachDisk now fails with the cloud's 503, after the preflight has passed.
    await emu.setFaults({ AttachDisk: { unavailableRate: 1 } });
    const request = await h.bot.service.get(id);
    if (!request?.card) throw new Error('no card');
    await h.client.click({
      userId: USERS.bob,
      actionId: ACTION_APPROVE,
      value: JSON.stringify({ id, planHash: request.planHash }),
      channelId: APPROVALS_CHANNEL,
      messageTs: request.card.ts,
      responseUrl: h.fake.responseUrl('retry-approve'),
    });
    const result = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.reply_broadcast === 'true' &&
        json(c).includes(id) &&
        /\*(failed|partial)\*/.test(json(c)),
      60_000,
    );
    await emu.setFaults({});
    const text = json(result);
    expect(result.body.text).toContain(`<@${USERS.alice}>`);
    expect(text).toContain('ServiceUnavailable');
    expect(text).not.toContain(`<@${USERS.bob}>`);
    expect(text).toContain(ACTION_RETRY);
    const card = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.update' && c.body.ts === request.card?.ts && /:x: Failed|Partially/.test(json(c)),
    );
    expect(json(card)).not.toContain(`(by <@${USERS.bob}>`);

    // The audit channel has no empty running → running lines, and every line names its request.
    const audit = h.fake
      .apiCalls('chat.postMessage')
      .filter((c) => c.body.channel === AUDIT_CHANNEL && String(c.body.text).includes(id))
      .map((c) => String(c.body.text));
    expect(audit.some((l) => l.includes('running → running'))).toBe(false);
    expect(audit.some((l) => l.includes('approved → running'))).toBe(true);

    await h.client.click({
      userId: USERS.alice,
      actionId: ACTION_RETRY,
      value: id,
      channelId: APPROVALS_CHANNEL,
      messageTs: String(result.body.ts ?? request.card.ts),
      responseUrl: h.fake.responseUrl('retry-click'),
    });
    // The click answers at once with what it is doing, before the slow preflight of the new request.
    const working = json(await h.fake.waitFor((c) => c.method === '/response/retry-click', 15_000));
    expect(working).toContain(`Opening a new attach request with the same parameters as \`${id}\``);
    const reply = json(
      await h.fake.waitFor((c) => c.method === '/response/retry-click' && json(c).includes('opened'), 15_000),
    );
    const retried = /R-[0-9A-Z]{10}/.exec(reply.replace(id, ''))?.[0];
    expect(reply).toContain('opened');
    expect(retried).toBeDefined();
    const again = await h.bot.service.get(retried ?? '');
    expect(again).toMatchObject({ state: 'pending', kind: 'attach', requesterId: USERS.alice });
    expect(again?.params).toEqual((await h.bot.service.get(id))?.params);
    expect(again?.card).toBeDefined();
  }, 90_000);
});
