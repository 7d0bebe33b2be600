/** registerKeys and registerAndInspect against a scripted gateway: one RunCommand for every host, each report checked for its own key. */
import { expect, it } from 'vitest';
import type { EcsGateway, InvocationResult, RunCommandInput } from '../../src/cloud/gateway.js';
import { reservationKeyFor } from '../../src/cloud/scripts/index.js';
import type { StepContext } from '../../src/jobs/steps/context.js';
import { registerAndInspect, registerKeys } from '../../src/jobs/steps/reservation.js';

const report = (keys: string[]) =>
  `${JSON.stringify({ holder: null, registrants: keys.map((key) => ({ key, instanceId: null })), type: null })}\n`;
const row = (instanceId: string, over: Partial<InvocationResult>): InvocationResult => ({
  instanceId,
  status: 'Success',
  exitCode: 0,
  output: '',
  dropped: 0,
  errorCode: '',
  errorInfo: '',
  ...over,
});

/** A gateway whose one invocation answers `rows`, and a step context around it. */
function scripted(rows: InvocationResult[]) {
  const runs: RunCommandInput[] = [];
  const gateway = {
    async runCommand(input: RunCommandInput) {
      runs.push(input);
      return { value: { invokeId: 't-1' }, requestId: 'req' };
    },
    async describeInvocationResults(): Promise<InvocationResult[]> {
      return rows;
    },
  } as unknown as EcsGateway;
  let t = 0;
  const ctx = {
    gateway,
    params: { regionId: 'cn-hangzhou' },
    assistantTimeoutSec: 5,
    assistantTiming: {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
      pollMinMs: 100,
      pollMaxMs: 100,
      backoff: 0,
      graceMs: 0,
    },
    assertHeld: () => {},
  } as unknown as StepContext<'attach'>;
  return { runs, gateway, ctx };
}

const DISK = { diskId: 'd-bp1x', serialNumber: 'bp1x' } as never;

it('registers N hosts in ONE RunCommand with no per-host parameter, and refuses a report without the host’s key', async () => {
  const { runs, gateway, ctx } = scripted([
    // A real host reports keys only; the bot maps them back by its own derivation.
    row('i-good', { output: report([reservationKeyFor('i-other'), reservationKeyFor('i-good')]) }),
    row('i-wrong', { output: report([reservationKeyFor('i-other')]) }),
    row('i-old-agent', {
      status: 'Failed',
      exitCode: 2,
      output: 'nvme-register: the built-in parameter ACS::InstanceId was not substituted\n',
    }),
  ]);

  const out = await registerKeys(ctx, gateway, DISK, ['i-good', 'i-wrong', 'i-old-agent']);

  expect(runs).toHaveLength(1);
  expect(runs[0]?.instanceIds).toEqual(['i-good', 'i-wrong', 'i-old-agent']);
  expect(runs[0]?.parameters).toEqual({ serial: 'bp1x' });
  expect(runs[0]?.script).toContain("own_key '{{ACS::InstanceId}}'");
  expect(out.registered).toEqual(['i-good']);
  expect(out.failed.map((f) => f.code)).toEqual(['key_mismatch', 'exit_2']);
  expect(out.failed[0]?.message).toContain(reservationKeyFor('i-wrong'));
});

it('registerAndInspect: one nvme-register-inspect, the key proven by each inspect report’s reservation', async () => {
  const inspect = (reservation: string | null) =>
    `{"attached":true,"device":"/dev/nvme1n1","serial":"bp1x","fstype":null,"mountpoints":[],"readOnly":false,"reservation":${reservation ?? 'null'},"sizeGiB":20}\n`;
  const { runs, gateway, ctx } = scripted([
    row('i-good', { output: inspect(report([reservationKeyFor('i-good')]).trim()) }),
    row('i-wrong', { output: inspect(report([reservationKeyFor('i-other')]).trim()) }),
    // Registered, but resv-report failed afterwards: the key is not proven.
    row('i-unread', { output: inspect(null) }),
  ]);

  const out = await registerAndInspect(ctx, gateway, DISK, ['i-good', 'i-wrong', 'i-unread']);

  expect(runs).toHaveLength(1);
  expect(runs[0]?.name).toBe('shared-disk-bot nvme-register-inspect');
  expect(runs[0]?.parameters).toEqual({ serial: 'bp1x' });
  expect(out.registered).toEqual(['i-good']);
  expect(out.failed.map((f) => f.code)).toEqual(['key_mismatch', 'reservation_unknown']);
  expect(out.reports.map((o) => o.ok && o.value.sizeGiB)).toEqual([20, 20, 20]);
});
