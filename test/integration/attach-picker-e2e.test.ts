/**
 * Issue 11 item 3: `/disk attach <disk>` with no instances opens a form whose instance field is a
 * multi_external_select; its options come from the bot's options handler (signed block_suggestion
 * over HTTP → real SDK → emulator), and its submit files the same request the typed command would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import {
  ACTION_ATTACH_INSTANCES,
  ATTACH_FIELDS,
  ATTACH_VALUE,
  VIEW_ATTACH,
} from '../../src/slack/blocks/attach-form.js';
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

interface Option {
  text: { type: string; text: string };
  value: string;
}
interface ModalView {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { type: string; action_id: string; max_selected_items?: number } }[];
}

const nvmeI = SEED.instances.nvmeI;
const alreadyAttached = nvmeI[4]!;
let f: FailoverHarness;
let diskId: string;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('detach'));
  const gateway = f.emu.gateway();
  diskId = await createAvailableDisk(gateway, 'picker-db');
  await gateway.attachDisk({ diskId, instanceId: alreadyAttached.id });
  for (;;) {
    const [d] = await gateway.describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
    if (d?.attachments.length === 1 && d.status === 'In_use') break;
    await new Promise((r) => setTimeout(r, 20));
  }
});
afterAll(() => f.close());

async function openPicker(text: string): Promise<ModalView> {
  f.h.fake.reset();
  const res = await f.h.client.command({
    text,
    userId: USERS.alice,
    responseUrl: f.h.fake.responseUrl('pick'),
  });
  expect(res.status).toBe(200);
  expect(res.text).toBe('');
  const opened = await f.h.fake.waitFor((c) => c.method === 'views.open');
  return opened.body.view as ModalView;
}

async function suggest(view: ModalView, value: string) {
  const started = performance.now();
  const res = await f.h.client.suggest({
    userId: USERS.alice,
    actionId: ACTION_ATTACH_INSTANCES,
    blockId: ATTACH_FIELDS.instances,
    value,
    callbackId: view.callback_id,
    privateMetadata: view.private_metadata,
  });
  const ms = performance.now() - started;
  expect(res.status).toBe(200);
  return { ms, options: (res.json() as { options: Option[] }).options };
}

const picked = (ids: readonly string[], reason?: string) => ({
  [ATTACH_FIELDS.instances]: {
    [ACTION_ATTACH_INSTANCES]: {
      type: 'multi_external_select',
      selected_options: ids.map((value) => ({ text: { type: 'plain_text', text: value }, value })),
    },
  },
  [ATTACH_FIELDS.allowSingleNodeFs]: { [ATTACH_VALUE]: { type: 'checkboxes', selected_options: [] } },
  [ATTACH_FIELDS.reason]: { [ATTACH_VALUE]: { type: 'plain_text_input', value: reason ?? null } },
});

describe('/disk attach <disk> with no instances', () => {
  it('opens the form for a disk given by name, with the picker as a multi_external_select', async () => {
    const view = await openPicker('attach picker-db --reason "grow the cluster"');
    expect(view.callback_id).toBe(VIEW_ATTACH);
    expect(JSON.parse(view.private_metadata)).toMatchObject({ diskId });
    const input = view.blocks.find((b) => b.block_id === ATTACH_FIELDS.instances);
    expect(input?.element).toMatchObject({
      type: 'multi_external_select',
      action_id: ACTION_ATTACH_INSTANCES,
      max_selected_items: 15,
    });
    expect(JSON.stringify(view.blocks)).toContain('picker-db');
    expect(JSON.stringify(view.blocks)).toContain('grow the cluster');
  });

  it('answers an unknown disk name privately and opens no form', async () => {
    f.h.fake.reset();
    await f.h.client.command({
      text: 'attach nope-db',
      userId: USERS.alice,
      responseUrl: f.h.fake.responseUrl('nope'),
    });
    const reply = await f.h.fake.waitFor((c) => c.method === '/response/nope');
    expect(json(reply)).toContain('No disk is named *nope-db*');
    expect(f.h.fake.apiCalls('views.open')).toEqual([]);
  });

  it('offers exactly the eligible instances (NVMe, same zone, Running, not attached) within 3 s, ≤ 100', async () => {
    const view = await openPicker('attach picker-db');
    const { ms, options } = await suggest(view, '');
    expect(ms).toBeLessThan(3_000);
    expect(options.length).toBeLessThanOrEqual(100);
    const expected = nvmeI.filter((i) => i.id !== alreadyAttached.id).map((i) => i.id);
    expect(options.map((o) => o.value).sort()).toEqual([...expected].sort());
    // Not offered: other zones, a non-NVMe type, an image without NVMe drivers, a stopped instance.
    const offered = new Set(options.map((o) => o.value));
    for (const i of [
      ...SEED.instances.nvmeJ,
      ...SEED.instances.noNvmeTypeI,
      ...SEED.instances.noNvmeImageI,
      ...SEED.instances.stoppedI,
    ])
      expect(offered.has(i.id)).toBe(false);
    const first = options[0]!;
    expect(first.text.text).toBe(`${nvmeI[0]!.name} · ${SEED.instanceTypes.nvme} · ${nvmeI[0]!.id}`);
    expect(options.every((o) => o.text.text.length <= 75)).toBe(true);
  });

  it('filters by what the user typed: part of a name, an id or a type', async () => {
    const view = await openPicker('attach picker-db');
    const byType = await suggest(view, 'G8I');
    expect(byType.options.map((o) => o.value).sort()).toEqual(
      nvmeI
        .slice(10)
        .map((i) => i.id)
        .sort(),
    );
    const byName = await suggest(view, 'nvme-i-0');
    expect(byName.options).toHaveLength(8);
    const byId = await suggest(view, nvmeI[2]!.id);
    expect(byId.options.map((o) => o.value)).toEqual([nvmeI[2]!.id]);
    expect((await suggest(view, 'zzz')).options).toEqual([]);
  });

  it('submits the picked instances as the same request the typed command opens, names included', async () => {
    const view = await openPicker('attach picker-db');
    const [a, b] = [nvmeI[0]!, nvmeI[1]!];
    const res = await f.h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_ATTACH,
      privateMetadata: view.private_metadata,
      values: picked([a.id, b.id], 'two more nodes'),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const ephemeral = await f.h.fake.waitFor((c) => c.method === 'chat.postEphemeral');
    const requestId = /R-[0-9A-Z]{10}/.exec(json(ephemeral))?.[0];
    expect(requestId).toBeDefined();
    const request = await f.h.bot.service.get(requestId!);
    expect(readParams('attach', request!.params)).toMatchObject({
      diskId,
      instanceIds: [a.id, b.id],
      reason: 'two more nodes',
      names: { [diskId]: 'picker-db', [a.id]: a.name, [b.id]: b.name },
    });
    await f.h.fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS_CHANNEL);
  });

  it('shows a refusal on the instance field and keeps the form open (no request, no card)', async () => {
    const view = await openPicker('attach picker-db');
    const res = await f.h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_ATTACH,
      privateMetadata: view.private_metadata,
      values: picked([alreadyAttached.id]),
    });
    expect(res.json()).toMatchObject({
      response_action: 'errors',
      errors: { [ATTACH_FIELDS.instances]: expect.stringContaining('already attached') },
    });
    const empty = await f.h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_ATTACH,
      privateMetadata: view.private_metadata,
      values: picked([]),
    });
    expect(empty.json()).toMatchObject({
      response_action: 'errors',
      errors: { [ATTACH_FIELDS.instances]: expect.any(String) },
    });
    expect(f.h.fake.apiCalls('chat.postMessage')).toEqual([]);
    expect(f.h.fake.apiCalls('chat.postEphemeral')).toEqual([]);
  });
});
