/**
 * Cloud Assistant: RunCommand, DescribeInvocations, DescribeInvocationResults. Each target moves
 * Pending → Running (delivered to the agent) → Success/Failed (script ran against state at that
 * moment), on the `command` latency. A stopped target fails with InstanceNotRunning, a starting or
 * stopping one with ClientNotRunning; a crashed one never answers and times out after `Timeout` s:
 * DeliveryTimeout if it crashed before delivery, ExecutionTimeout if after.
 */
import { checkCommand, valuesFor } from '../command-params.js';
import { invalid, missing } from '../errors.js';
import { runScript } from '../script-runner.js';
import { type Invocation, type InvocationTarget, iso, type World } from '../world.js';
import { type ActionHandler, findOr404, idempotent, paginate, requireRegion } from './common.js';

/** Cloud Assistant keeps at most 24 KB of output and reports the rest as Dropped. */
const MAX_OUTPUT_BYTES = 24 * 1024;
/** What `{{ACS::AccountId}}` becomes (the emulator has one account). */
const ACCOUNT_ID = '1000000000000000';

function finish(t: InvocationTarget, at: number, fields: Partial<InvocationTarget>): void {
  Object.assign(t, { finishTime: at, updateTime: at, ...fields });
}

/** A new invocation's per-instance records, before any agent has picked it up. */
export function pendingTargets(instanceIds: readonly string[], now: number): InvocationTarget[] {
  return instanceIds.map((instanceId) => ({
    instanceId,
    status: 'Pending',
    exitCode: null,
    output: '',
    dropped: 0,
    errorCode: '',
    errorInfo: '',
    startTime: null,
    finishTime: null,
    updateTime: now,
  }));
}

/** `values`: what this instance's copy sees, built-ins already substituted (null: EnableParameter off). */
export function scheduleTarget(
  world: World,
  inv: Invocation,
  t: InvocationTarget,
  script: string,
  values: Record<string, string> | null,
): void {
  const start = inv.creationTime;
  const total = world.delay('command');
  const deliveredAt = start + Math.floor(total / 2);
  world.at(deliveredAt, () => {
    const instance = world.instances.get(t.instanceId);
    if (t.status !== 'Pending' || !instance || instance.crashed) return;
    if (instance.status === 'Stopped') {
      finish(t, deliveredAt, {
        status: 'Failed',
        errorCode: 'InstanceNotRunning',
        errorInfo: 'the instance is not running when the task is being executed',
      });
    } else if (instance.status !== 'Running') {
      finish(t, deliveredAt, {
        status: 'Failed',
        errorCode: 'ClientNotRunning',
        errorInfo: 'the Cloud Assistant agent is not running',
      });
    } else {
      Object.assign(t, { status: 'Running', startTime: deliveredAt, updateTime: deliveredAt });
    }
  });
  const doneAt = start + total;
  world.at(doneAt, () => {
    if (t.status !== 'Running' || world.instances.get(t.instanceId)?.crashed) return;
    const result = runScript(world, t.instanceId, script, values);
    const bytes = Buffer.from(result.output);
    finish(t, doneAt, {
      status: result.exitCode === 0 ? 'Success' : 'Failed',
      exitCode: result.exitCode,
      output: bytes.subarray(0, MAX_OUTPUT_BYTES).toString(),
      dropped: Math.max(0, bytes.length - MAX_OUTPUT_BYTES),
      errorCode: result.exitCode === 0 ? '' : 'ExitCodeNonzero',
      errorInfo: result.exitCode === 0 ? '' : `the process exited with code ${result.exitCode}`,
    });
  });
  const deadline = start + inv.timeoutSec * 1000;
  world.at(deadline, () => {
    if (t.status === 'Pending') {
      finish(t, deadline, {
        status: 'Timeout',
        errorCode: 'DeliveryTimeout',
        errorInfo: 'the command could not be delivered to the Cloud Assistant agent in time',
      });
    } else if (t.status === 'Running') {
      finish(t, deadline, {
        status: 'Timeout',
        errorCode: 'ExecutionTimeout',
        errorInfo: 'the command did not finish within its Timeout',
      });
    }
  });
}

const runCommand: ActionHandler = (ctx) => {
  requireRegion(ctx);
  return idempotent(ctx, 'RunCommand', () => {
    const { params: p, world } = ctx;
    if (p.required('Type') !== 'RunShellScript')
      throw invalid('Type', 'the emulator supports RunShellScript only');
    const encoding = p.oneOf('ContentEncoding', ['PlainText', 'Base64'] as const, 'PlainText');
    const content = p.required('CommandContent');
    const script = encoding === 'Base64' ? Buffer.from(content, 'base64').toString() : content;
    const ids = p.list('InstanceId');
    if (ids.length === 0) throw missing('InstanceId.1');
    const enableParameter = p.bool('EnableParameter') ?? false;
    const given = Object.fromEntries(
      Object.entries(p.jsonMap('Parameters') ?? {}).map(([k, v]) => [k, String(v)]),
    );
    checkCommand({ content: script, enableParameter, parameters: given, instanceCount: ids.length });
    for (const id of ids) findOr404(world.instances, id, 'InvalidInstanceId.NotFound');
    const timeoutSec = p.int('Timeout', { min: 1, max: 86400 }) ?? 60;
    const parameters = enableParameter ? given : null;
    const now = world.now();
    const inv: Invocation = {
      invokeId: world.nextId('t-hz'),
      commandId: world.nextId('c-hz'),
      name: p.str('Name') ?? '',
      commandContent: Buffer.from(script).toString('base64'),
      parameters,
      timeoutSec,
      creationTime: now,
      targets: pendingTargets(ids, now),
    };
    world.invocations.set(inv.invokeId, inv);
    for (const t of inv.targets) {
      const values = valuesFor(script, parameters, {
        regionId: world.regionId,
        accountId: ACCOUNT_ID,
        instanceId: t.instanceId,
        instanceName: world.instances.get(t.instanceId)?.instanceName ?? '',
        invokeId: inv.invokeId,
        commandId: inv.commandId,
      });
      scheduleTarget(world, inv, t, script, values);
    }
    return { CommandId: inv.commandId, InvokeId: inv.invokeId };
  });
};

const encodeOutput = (output: string, encoding: string): string =>
  encoding === 'PlainText' ? output : Buffer.from(output).toString('base64');

const time = (ms: number | null): string => (ms === null ? '' : iso(ms));

/** Overall status as DescribeInvocations reports it, from the per-instance statuses. */
function overallStatus(targets: readonly InvocationTarget[]): string {
  const s = targets.map((t) => t.status);
  if (s.every((x) => x === 'Pending')) return 'Pending';
  if (s.some((x) => x === 'Pending' || x === 'Running')) return 'Running';
  if (s.every((x) => x === 'Success')) return 'Success';
  if (s.every((x) => x !== 'Success')) return 'Failed';
  return 'PartialFailed';
}

const LEGACY_STATUS: Record<string, string> = {
  Pending: 'Running',
  Running: 'Running',
  Success: 'Finished',
  Failed: 'Failed',
  PartialFailed: 'PartialFinished',
};

function lookup(world: World, invokeId: string | undefined, instanceId: string | undefined): Invocation[] {
  return [...world.invocations.values()].filter(
    (i) =>
      (invokeId === undefined || i.invokeId === invokeId) &&
      (instanceId === undefined || i.targets.some((t) => t.instanceId === instanceId)),
  );
}

const describeInvocationResults: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { params: p, world } = ctx;
  const encoding = p.oneOf('ContentEncoding', ['PlainText', 'Base64'] as const, 'Base64');
  const instanceId = p.str('InstanceId');
  const record = p.oneOf('InvokeRecordStatus', ['Running', 'Finished', 'Failed', 'All'] as const, 'All');
  const rows = lookup(world, p.str('InvokeId'), instanceId)
    .flatMap((inv) => inv.targets.map((t) => ({ inv, t })))
    .filter(({ t }) => instanceId === undefined || t.instanceId === instanceId)
    .map(({ inv, t }) => {
      const done = t.status !== 'Pending' && t.status !== 'Running';
      return {
        CommandId: inv.commandId,
        InvokeId: inv.invokeId,
        InstanceId: t.instanceId,
        InvocationStatus: t.status,
        InvokeRecordStatus: done ? 'Finished' : 'Running',
        ...(t.exitCode === null ? {} : { ExitCode: t.exitCode }),
        Output: encodeOutput(t.output, encoding),
        Dropped: t.dropped,
        ErrorCode: t.errorCode,
        ErrorInfo: t.errorInfo,
        StartTime: time(t.startTime),
        FinishedTime: time(t.finishTime),
        StopTime: '',
        Repeats: done || t.status === 'Running' ? 1 : 0,
        Username: 'root',
        Launcher: '',
        ContainerId: '',
        ContainerName: '',
        TerminationMode: 'ProcessTree',
        Tags: { Tag: [] },
      };
    })
    .filter(
      (r) =>
        record === 'All' ||
        (record === 'Failed'
          ? r.InvocationStatus !== 'Success' && r.InvokeRecordStatus === 'Finished'
          : r.InvokeRecordStatus === record),
    );
  const page = paginate(rows, p, { defaultSize: 10, maxPageSize: 50, maxResults: 50 });
  return { Invocation: { ...page.meta, InvocationResults: { InvocationResult: page.items } } };
};

const describeInvocations: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { params: p, world } = ctx;
  const encoding = p.oneOf('ContentEncoding', ['PlainText', 'Base64'] as const, 'Base64');
  const includeOutput = p.bool('IncludeOutput') ?? false;
  const wanted = p.str('InvokeStatus');
  const rows = lookup(world, p.str('InvokeId'), p.str('InstanceId'))
    .filter((inv) => wanted === undefined || overallStatus(inv.targets) === wanted)
    .map((inv) => {
      const status = overallStatus(inv.targets);
      return {
        InvokeId: inv.invokeId,
        CommandId: inv.commandId,
        CommandName: inv.name,
        CommandType: 'RunShellScript',
        CommandContent:
          encoding === 'PlainText'
            ? Buffer.from(inv.commandContent, 'base64').toString()
            : inv.commandContent,
        CommandDescription: '',
        Parameters: JSON.stringify(inv.parameters ?? {}),
        CreationTime: iso(inv.creationTime),
        InvocationStatus: status,
        InvokeStatus: LEGACY_STATUS[status] ?? 'Running',
        Timeout: inv.timeoutSec,
        Timed: false,
        RepeatMode: 'Once',
        Frequency: '',
        Username: 'root',
        WorkingDir: '',
        Launcher: '',
        TerminationMode: 'ProcessTree',
        ContainerId: '',
        ContainerName: '',
        Tags: { Tag: [] },
        InvokeInstances: {
          InvokeInstance: inv.targets.map((t) => ({
            InstanceId: t.instanceId,
            InvocationStatus: t.status,
            InstanceInvokeStatus: LEGACY_STATUS[t.status === 'Timeout' ? 'Failed' : t.status] ?? 'Running',
            ...(t.exitCode === null ? {} : { ExitCode: t.exitCode }),
            Output: includeOutput ? encodeOutput(t.output, encoding) : '',
            Dropped: t.dropped,
            ErrorCode: t.errorCode,
            ErrorInfo: t.errorInfo,
            CreationTime: iso(inv.creationTime),
            StartTime: time(t.startTime),
            FinishTime: time(t.finishTime),
            StopTime: '',
            UpdateTime: iso(t.updateTime),
            Repeats: t.startTime === null ? 0 : 1,
            Timed: false,
          })),
        },
      };
    });
  const page = paginate(rows, p, { defaultSize: 10, maxPageSize: 50, maxResults: 50 });
  return { ...page.meta, Invocations: { Invocation: page.items } };
};

export const assistantActions: Record<string, ActionHandler> = {
  RunCommand: runCommand,
  DescribeInvocations: describeInvocations,
  DescribeInvocationResults: describeInvocationResults,
};
