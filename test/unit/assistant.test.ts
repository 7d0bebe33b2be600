/** The Cloud Assistant runner against a scripted fake gateway: every status and code, polling, gaps. */
import { describe, expect, it } from 'vitest';
import { type AssistantTiming, jsonLine, outcomeOf, runOnInstances } from '../../src/cloud/assistant.js';
import { CloudError } from '../../src/cloud/errors.js';
import type { EcsGateway, InvocationResult, RunCommandInput } from '../../src/cloud/gateway.js';
import { inspectReportSchema } from '../../src/cloud/scripts/index.js';

const row = (over: Partial<InvocationResult>): InvocationResult => ({
  instanceId: 'i-1',
  status: 'Success',
  exitCode: 0,
  output:
    '{"attached":false,"device":null,"serial":"s","fstype":null,"mountpoints":[],"readOnly":false,"reservation":null}\n',
  dropped: 0,
  errorCode: '',
  errorInfo: '',
  ...over,
});
const parse = jsonLine(inspectReportSchema);

describe('outcomeOf: one result row → one clear per-instance state', () => {
  it.each([
    [{}, true, 'ok'],
    [{ status: 'Failed', exitCode: null, errorCode: 'InstanceNotRunning' }, false, 'not_running'],
    [{ status: 'Failed', exitCode: null, errorCode: 'ClientNotRunning' }, false, 'not_running'],
    [{ status: 'Timeout', exitCode: null, errorCode: 'DeliveryTimeout' }, false, 'timeout'],
    [{ status: 'Timeout', exitCode: null, errorCode: 'ExecutionTimeout' }, false, 'timeout'],
    [
      {
        status: 'Failed',
        exitCode: 1,
        errorCode: 'ExitCodeNonzero',
        output: 'nvme-preempt: reservation conflict: x\n',
      },
      false,
      'failed',
    ],
    [{ status: 'Aborted', exitCode: null, errorCode: '' }, false, 'error'],
    [
      {
        status: 'Error',
        exitCode: null,
        errorCode: 'InstanceRestarted',
        errorInfo: 'the instance restarted',
      },
      false,
      'error',
    ],
    [{ output: 'not json' }, false, 'bad_output'],
    [{ output: '{"attached":"yes"}' }, false, 'bad_output'],
    [{ dropped: 12 }, false, 'bad_output'],
  ] as const)('%j → %s %s', (over, ok, state) => {
    const o = outcomeOf(row(over), parse);
    expect(o.ok).toBe(ok);
    if (!o.ok) {
      expect(o.state).toBe(state);
      expect(o.message.length).toBeGreaterThan(5);
    }
  });

  it('names the exit code and the script’s own line', () => {
    const o = outcomeOf(
      row({ status: 'Failed', exitCode: 4, output: 'nvme-register: nvme-cli is not installed\n' }),
      parse,
    );
    expect(o).toMatchObject({
      ok: false,
      code: 'exit_4',
      message: 'nvme-cli is missing on this host: nvme-register: nvme-cli is not installed (exit 4)',
    });
  });
});

/** A gateway whose invocation results are scripted per poll. */
function fake(polls: InvocationResult[][], options: { failRun?: boolean } = {}) {
  const runs: RunCommandInput[] = [];
  let n = 0;
  const gateway = {
    async runCommand(input: RunCommandInput) {
      runs.push(input);
      if (options.failRun)
        throw new CloudError({
          cloudCode: 'InvalidInstance.NotFound',
          message: 'gone',
          retryable: false,
          action: 'RunCommand',
        });
      return { value: { invokeId: `t-${runs.length}` }, requestId: 'req' };
    },
    async describeInvocationResults() {
      const rows = polls[Math.min(n, polls.length - 1)] ?? [];
      n += 1;
      if (rows.length === 1 && rows[0]?.instanceId === 'throw') throw new Error('network');
      return rows;
    },
  } as unknown as EcsGateway;
  return { gateway, runs, polls: () => n };
}

function clock(): AssistantTiming & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    pollMinMs: 100,
    pollMaxMs: 400,
    backoff: 0.5,
    graceMs: 1000,
    slept,
  };
}

const run = { regionId: 'r', script: '# x', parameters: { serial: 's' }, timeoutSec: 2 };

describe('runOnInstances', () => {
  it('polls with backoff until every instance has finished, ignoring a failed poll', async () => {
    const f = fake([
      [row({ instanceId: 'i-1', status: 'Pending' }), row({ instanceId: 'i-2', status: 'Running' })],
      [row({ instanceId: 'throw' })],
      [row({ instanceId: 'i-1' }), row({ instanceId: 'i-2', status: 'Running' })],
      [
        row({ instanceId: 'i-1' }),
        row({ instanceId: 'i-2', status: 'Failed', exitCode: null, errorCode: 'ClientNotRunning' }),
      ],
    ]);
    const t = clock();
    const out = await runOnInstances(f.gateway, { ...run, instanceIds: ['i-1', 'i-2', 'i-1'] }, parse, t);
    expect(out.map((o) => [o.instanceId, o.ok ? 'ok' : o.state])).toEqual([
      ['i-1', 'ok'],
      ['i-2', 'not_running'],
    ]);
    expect(f.runs).toHaveLength(1);
    expect(t.slept).toEqual([100, 100, 100, 150]);
  });

  it('with firstPollMs, the first poll waits that long: a fan-out is read in few polls', async () => {
    const pending = row({ instanceId: 'i-1', status: 'Running' });
    const f = fake([[pending], [pending], [row({ instanceId: 'i-1' })]]);
    const t = { ...clock(), firstPollMs: 300, pollMinMs: 100, backoff: 0.33 };
    const out = await runOnInstances(f.gateway, { ...run, instanceIds: ['i-1'] }, parse, t);
    expect(out[0]?.ok).toBe(true);
    expect(t.slept).toEqual([300, 100, 132]);
    expect(f.polls()).toBe(3);
  });

  it('never leaves a gap: an instance missing from the results ends no_answer at the deadline', async () => {
    const f = fake([[row({ instanceId: 'i-1' })]]);
    const t = clock();
    const out = await runOnInstances(f.gateway, { ...run, instanceIds: ['i-1', 'i-2'] }, parse, t);
    expect(out[1]).toMatchObject({
      ok: false,
      state: 'no_answer',
      message: 'no result after 2 s (Cloud Assistant last said nothing)',
    });
    expect(t.now()).toBe(3000);
  });

  it('a refused RunCommand becomes an error outcome for each instance, not a throw', async () => {
    const f = fake([], { failRun: true });
    const out = await runOnInstances(f.gateway, { ...run, instanceIds: ['i-1', 'i-2'] }, parse, clock());
    expect(out).toEqual([
      expect.objectContaining({ ok: false, state: 'error', code: 'InvalidInstance.NotFound' }),
      expect.objectContaining({ ok: false, state: 'error', code: 'InvalidInstance.NotFound' }),
    ]);
    expect(f.polls()).toBe(0);
  });

  it('splits more than 100 instances into one RunCommand per 100', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `i-${i}`);
    const f = fake([ids.map((instanceId) => row({ instanceId }))]);
    const out = await runOnInstances(
      f.gateway,
      { ...run, instanceIds: ids, clientToken: 'tok' },
      parse,
      clock(),
    );
    expect(f.runs.map((r) => [r.instanceIds.length, r.clientToken])).toEqual([
      [100, 'tok-0'],
      [50, 'tok-1'],
    ]);
    expect(out.every((o) => o.ok)).toBe(true);
  });
});
