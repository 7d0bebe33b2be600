import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  USERS,
} from '../support/approval-bot.js';
import { type EmulatorHarness, startHarness, successfulMutations } from '../support/execution-emulator.js';

let emu: EmulatorHarness;
let replicas: ApprovalHarness[];

beforeAll(async () => {
  emu = await startHarness();
  const keyPrefix = `sdb-replicas:${randomUUID()}:`;
  const cloud = {
    gateway: emu.gateway(),
    multiAttachZones: [SEED.zones.multiAttachI],
    execution: { pollIntervalMs: 100 },
  };
  replicas = await Promise.all([
    startApprovalHarness({ cloud, keyPrefix }),
    startApprovalHarness({ cloud, keyPrefix }),
  ]);
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await emu.close();
});

it('two replicas on one Redis: a command on one, clicks on both, the change runs exactly once', async () => {
  const [a, b] = replicas as [ApprovalHarness, ApprovalHarness];
  const disk = SEED.disks.sharedExt4.diskId;
  const targets = SEED.instances.nvmeI.slice(0, 3).map((i) => i.id);
  await a.client.command({
    text: `attach ${disk} ${targets.join(' ')} --allow-single-node-fs`,
    userId: USERS.alice,
    responseUrl: a.fake.responseUrl('open'),
  });
  const reply = await a.fake.waitFor((c) => c.method === '/response/open', 15_000);
  const requestId = /R-[0-9A-Z]{10}/.exec(JSON.stringify(reply.body))?.[0] ?? '';
  const request = await b.bot.service.get(requestId);
  if (!request?.card) throw new Error(`no card: ${JSON.stringify(reply.body)}`);
  expect(request.quorum).toBe(2);

  // Bob clicks on both replicas at once (a double click through the load balancer), then Carol on B.
  const value = JSON.stringify({ id: requestId, planHash: request.planHash });
  const clickOn = (replica: ApprovalHarness, userId: string, id: string) =>
    replica.client.click({
      userId,
      actionId: ACTION_APPROVE,
      value,
      channelId: APPROVALS_CHANNEL,
      messageTs: request.card?.ts ?? '',
      responseUrl: replica.fake.responseUrl(id),
    });
  await Promise.all([clickOn(a, USERS.bob, 'bob-a'), clickOn(b, USERS.bob, 'bob-b')]);
  // Exactly one of the two clicks is refused, which also proves both were processed.
  const refused = await Promise.race([
    a.fake.waitFor((c) => c.method === '/response/bob-a', 10_000),
    b.fake.waitFor((c) => c.method === '/response/bob-b', 10_000),
  ]);
  expect(JSON.stringify(refused.body)).toContain('already approved');
  expect((await a.bot.service.get(requestId))?.approvals.map((x) => x.userId)).toEqual([USERS.bob]);
  await clickOn(b, USERS.carol, 'carol-b');

  const deadline = Date.now() + 30_000;
  while ((await a.bot.service.get(requestId))?.state !== 'succeeded' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  expect((await a.bot.service.get(requestId))?.state).toBe('succeeded');
  const attaches = successfulMutations(await emu.calls('AttachDisk'), 'AttachDisk');
  for (const id of targets) expect(attaches.get(`${disk}/${id}`)).toBe(1);
  const trail = await a.audit.forRequest(requestId);
  expect(trail.filter((e) => e.event === 'started')).toHaveLength(1);
  expect(trail.filter((e) => e.event === 'finished')).toHaveLength(1);
});
