/** The assistant runner through the real SDK adapter against the emulator: one invocation, every instance answered. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jsonLine, runOnInstances } from '../../src/cloud/assistant.js';
import { inspectReportSchema, scriptText } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

let emu: EmulatorHarness;
beforeAll(async () => {
  emu = await startHarness({ latency: { command: { baseMs: 50, jitterMs: 0 } } });
});
afterAll(() => emu.close());

it('runs the real inspect script on every seeded instance in ONE invocation and maps each answer', async () => {
  const ids = Object.values(SEED.instances).flatMap((list) => list.map((i) => i.id));
  const shared = SEED.disks.sharedExt4;
  await emu.clearCalls();
  const out = await runOnInstances(
    emu.gateway(),
    {
      regionId: SEED.regionId,
      instanceIds: ids,
      script: scriptText('inspect'),
      parameters: { serial: shared.diskId.replace(/^d-/, '') },
      timeoutSec: 5,
    },
    jsonLine(inspectReportSchema),
  );
  expect(out).toHaveLength(ids.length);
  // One invocation of the registered command; never a free RunCommand.
  expect(await emu.calls('InvokeCommand')).toHaveLength(1);
  expect(await emu.calls('RunCommand')).toHaveLength(0);
  const byId = new Map(out.map((o) => [o.instanceId, o]));
  expect(byId.get(shared.attachedTo)).toMatchObject({
    ok: true,
    value: { attached: true, fstype: 'ext4', mountpoints: ['/data'] },
  });
  expect(byId.get(SEED.instances.stoppedI[0]!.id)).toMatchObject({
    ok: false,
    state: 'not_running',
    code: 'InstanceNotRunning',
  });
  expect(byId.get(SEED.instances.nvmeI[0]!.id)).toMatchObject({
    ok: true,
    value: { attached: false, reservation: null },
  });
});

it('an unknown script fails with 127 on each instance, reported as failed with the host’s own words', async () => {
  const [o] = await runOnInstances(
    emu.gateway(),
    {
      regionId: SEED.regionId,
      instanceIds: [SEED.instances.nvmeI[0]!.id],
      script: 'systemctl start db',
      parameters: {},
      timeoutSec: 5,
    },
    jsonLine(inspectReportSchema),
  );
  expect(o).toMatchObject({ ok: false, state: 'failed', code: 'exit_127' });
  expect(o?.ok ? '' : o?.message).toContain('does not run arbitrary commands');
});
