/**
 * Issue 11 items 3 and 5 over signed HTTP → real Redis → real SDK → emulator: disks and instances
 * by name, ambiguous and unknown names, and requests that would change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { readParams } from '../../src/workflow/request-params.js';
import { createAvailableDisk } from '../support/execution-emulator.js';
import {
  APPROVALS_CHANNEL,
  type FailoverHarness,
  failoverPolicy,
  json,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';

const [n1, n2, n3] = SEED.instances.nvmeI as unknown as [
  { id: string; name: string },
  { id: string; name: string },
  { id: string; name: string },
];
let f: FailoverHarness;
let namesDb: string;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('detach'));
  namesDb = await createAvailableDisk(f.emu.gateway(), 'names-db');
});
afterAll(() => f.close());

/** Approval cards posted so far (thread replies and broadcasts excluded). */
const cards = () =>
  f.h.fake
    .apiCalls('chat.postMessage')
    .filter((c) => c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts).length;
const requestCount = async () => {
  const page = await f.h.bot.service.list({ filter: 'all', userId: USERS.alice, limit: 100 });
  if (!page.ok) throw new Error(page.message);
  return page.value.items.length;
};

async function attachedTo(diskId: string): Promise<string[]> {
  const [disk] = await f.emu.gateway().describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
  return (disk?.attachments ?? []).map((a) => a.instanceId).sort();
}

describe('/disk status <disk-name>', () => {
  it('resolves the name and shows the disk with its instances by name and id', async () => {
    const reply = json(await f.command(`status ${SEED.disks.sharedExt4.name}`));
    expect(reply).toContain(SEED.disks.sharedExt4.diskId);
    expect(reply).toContain('Mount status');
    expect(reply).toContain(SEED.disks.sharedExt4.attachedTo);
    expect(reply).toContain('nvme-i-20');
  });

  it('answers an unknown name plainly, naming the region', async () => {
    const reply = json(await f.command('status no-such-disk'));
    expect(reply).toContain('No disk is named *no-such-disk* in cn-hangzhou');
  });

  it('lists the candidates with their ids when two disks share the name, and reads nothing else', async () => {
    const a = await createAvailableDisk(f.emu.gateway(), 'twin-db');
    // The second disk gets the same DiskName under another ClientToken.
    const { value } = await f.emu.gateway().createDisk({
      regionId: SEED.regionId,
      zoneId: SEED.zones.multiAttachJ,
      diskName: 'twin-db',
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 30,
      clientToken: 'twin-db-2',
    });
    await f.emu.clearCalls();
    const reply = json(await f.command('status twin-db'));
    expect(reply).toContain('*twin-db* names 2 disks in cn-hangzhou');
    expect(reply).toContain(a);
    expect(reply).toContain(value.diskId);
    expect(reply).toContain(SEED.zones.multiAttachJ);
    expect((await f.emu.calls()).map((c) => c.action)).toEqual(['DescribeDisks']);
  });
});

describe('/disk attach <disk> <instance-name>', () => {
  it('files ids for the cloud and names for people, and the attach runs on the named instances', async () => {
    const before = cards();
    const id = await f.open(`attach names-db ${n1.name} ${n2.id}`);
    const request = await f.h.bot.service.get(id);
    const params = readParams('attach', request!.params);
    expect(params).toMatchObject({
      diskId: namesDb,
      instanceIds: [n1.id, n2.id],
      names: { [namesDb]: 'names-db', [n1.id]: n1.name, [n2.id]: n2.name },
    });
    expect(request!.plan.map((s) => s.params.InstanceId)).toEqual([n1.id, n2.id]);
    expect(cards()).toBe(before + 1);
    // Names next to ids on the card, in /disk requests and on App Home.
    const card = f.h.fake
      .apiCalls('chat.postMessage')
      .find((c) => c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts && json(c).includes(id));
    expect(json(card!)).toContain(`names-db (${namesDb}) to ${n1.name} (${n1.id}), ${n2.name} (${n2.id})`);
    expect(json(await f.command('requests --mine'))).toContain(`${n1.name} (${n1.id})`);
    f.h.fake.reset();
    await f.h.client.event({ type: 'app_home_opened', user: USERS.bob, tab: 'home', channel: 'D0BOB' });
    const home = await f.h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.bob);
    expect(json(home)).toContain(`names-db (${namesDb})`);
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    expect(result).toContain(`${n2.name} (${n2.id})`);
    expect(await attachedTo(namesDb)).toEqual([n1.id, n2.id].sort());
  });

  it('lists the candidates with ids for an instance name two instances share, and opens nothing', async () => {
    await f.emu.admin(`instances/${n3.id}/name`, { name: 'twin-node' });
    await f.emu.admin(`instances/${SEED.instances.nvmeJ[0]!.id}/name`, { name: 'twin-node' });
    const [before, requests] = [cards(), await requestCount()];
    const reply = json(await f.command('attach names-db twin-node'));
    expect(reply).toContain('*twin-node* names 2 instances in cn-hangzhou');
    expect(reply).toContain(n3.id);
    expect(reply).toContain(SEED.instances.nvmeJ[0]!.id);
    expect(reply).toContain(SEED.zones.multiAttachJ);
    expect(cards()).toBe(before);
    expect(await requestCount()).toBe(requests);
  });

  it('refuses an unknown instance name without opening anything', async () => {
    const requests = await requestCount();
    const reply = json(await f.command('attach names-db nvme-i-99'));
    expect(reply).toContain('No instance is named *nvme-i-99* in cn-hangzhou');
    expect(reply).toMatch(/Did you mean \*nvme-i-\d+\* \(`i-/);
    expect(await requestCount()).toBe(requests);
  });
});

describe('names on the watch and "did you mean" (issue 21)', () => {
  const { name, diskId } = SEED.disks.sharedExt4;

  it('a misspelled disk name gets the closest name with its id', async () => {
    const typo = `${name.slice(0, -1)}x`;
    const reply = json(await f.command(`status ${typo}`));
    expect(reply).toContain(`No disk is named *${typo}*`);
    expect(reply).toContain(`Did you mean *${name}* (\`${diskId}\`)?`);
  });

  it('/disk watch and /disk unwatch take a disk name and keep its id', async () => {
    const watched = json(await f.command(`watch ${name}`));
    expect(watched).toContain(`\`${diskId}\``);
    expect(watched).not.toContain('must be a disk id');
    const unwatched = json(await f.command(`unwatch ${name}`));
    expect(unwatched).toContain(`No longer watching \`${diskId}\``);
  });
});

describe('a request that would change nothing', () => {
  it('attach of instances that already have the disk: "nothing to change", no request, no card', async () => {
    const [before, requests] = [cards(), await requestCount()];
    const reply = json(await f.command(`attach names-db ${n1.name} ${n2.name}`));
    // One whole sentence, not "Nothing to change: … nothing will change" (issue 21).
    expect(reply).toContain(
      'Nothing to change: The disk is already attached to every instance named. No request',
    );
    expect(reply).not.toContain('nothing will change');
    expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);
    expect(cards()).toBe(before);
    expect(await requestCount()).toBe(requests);
  });

  it('detach of an instance the disk is not attached to: "nothing to change", no request, no card', async () => {
    const [before, requests] = [cards(), await requestCount()];
    const reply = json(await f.command(`detach names-db ${n3.id}`));
    expect(reply).toContain('Nothing to change');
    expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);
    expect(cards()).toBe(before);
    expect(await requestCount()).toBe(requests);
  });

  it('a detach that changes something still opens its request, by name', async () => {
    const id = await f.open(`detach names-db ${n2.name} ${n3.id}`);
    const request = await f.h.bot.service.get(id);
    expect(readParams('detach', request!.params)?.instanceIds).toEqual([n2.id, n3.id]);
  });

  it('a failover names its instances by name too, and files their ids', async () => {
    const n6 = SEED.instances.nvmeI[5]!;
    const id = await f.open(`failover names-db --from ${n1.name} --to ${n6.name}`);
    const params = readParams('failover', (await f.h.bot.service.get(id))!.params);
    expect(params).toMatchObject({
      diskId: namesDb,
      fromInstanceId: n1.id,
      toInstanceId: n6.id,
      names: { [namesDb]: 'names-db', [n1.id]: n1.name, [n6.id]: n6.name },
    });
  });
});
