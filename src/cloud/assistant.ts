/**
 * Cloud Assistant runner: one RunCommand for up to 100 instances (per-host values come from the
 * built-in `{{ACS::InstanceId}}` in the script, never from one call per host),
 * DescribeInvocationResults (paged by the gateway, 50 rows a page) polled with backoff, and every
 * invocation status and error code turned into a per-instance outcome. It never throws for what
 * the cloud or the guests answer, and no instance is left out: an instance that never reports
 * back ends `no_answer`.
 */
import type { z } from 'zod';
import { describeFailure } from './explain.js';
import type { InvocationResult, ReadGateway, RunCommandInput } from './gateway.js';
import { SCRIPT_EXIT } from './scripts/contract.js';

export type TargetState =
  /** Exit 0 and the output parsed. */
  | 'ok'
  /** The script ran and exited non-zero (its one-line message says why). */
  | 'failed'
  /** Nothing ran: the instance or its agent is not running. */
  | 'not_running'
  /** Delivered late or never (hung/crashed guest), or the script overran its Timeout. */
  | 'timeout'
  /** Cloud Assistant refused or aborted the invocation, or RunCommand itself failed. */
  | 'error'
  /** Exit 0 but the output is not what the script promises. */
  | 'bad_output'
  /** Still pending or running when the bot stopped waiting. */
  | 'no_answer';

export type TargetOutcome<T> =
  | { readonly ok: true; readonly instanceId: string; readonly value: T }
  | {
      readonly ok: false;
      readonly instanceId: string;
      readonly state: Exclude<TargetState, 'ok'>;
      /** The cloud's ErrorCode, `exit_<n>`, `bad_output` or `no_answer`. */
      readonly code: string;
      /** Plain language, ready for Slack (escape it). */
      readonly message: string;
    };

export type OutputParser<T> = (output: string) => { ok: true; value: T } | { ok: false; message: string };

/**
 * One RunCommand's input, for any number of instances: the runner splits them into calls of 100,
 * and the client token of each chunk gets a `-<n>` suffix.
 */
export type AssistantRun = RunCommandInput;

export interface AssistantTiming {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Backoff like the DiskWatcher's: the next poll comes after `backoff` × the invocation's age,
   * clamped to [pollMinMs, pollMaxMs], so a result is seen within ~20 % of the time it took and a
   * long run is polled rarely.
   */
  readonly pollMinMs: number;
  readonly pollMaxMs: number;
  readonly backoff: number;
  /**
   * The first poll's delay when set: about the time a short script takes, so a fan-out to many
   * hosts is usually read in two or three DescribeInvocationResults instead of one per `pollMinMs`.
   */
  readonly firstPollMs?: number;
  /** Waited past the invocation's own Timeout for the cloud to report it. */
  readonly graceMs: number;
  /** Guests that just timed out: read-only scripts ask them again but do not wait for them. */
  readonly unresponsive?: GuestMemory;
  /** When set, the most this run waits (a guest known silent is given one poll, not its Timeout). */
  readonly patienceMs?: number;
}

/** What the runner's read-only callers ask of the memory of silent guests (`UnresponsiveGuests`). */
export interface GuestMemory {
  read<T>(
    instanceIds: readonly string[],
    run: (ids: readonly string[], patienceMs?: number) => Promise<TargetOutcome<T>[]>,
  ): Promise<TargetOutcome<T>[]>;
}

/**
 * Polls 300, 400, 532, 708, 942, 1,253, 1,666, 2,216 ms… after RunCommand: a third of the age
 * between polls (100 ms to 2 s), so a result is seen within ~⅓ of the time it took and a
 * 16-host fan-out of a short script is read in two or three polls.
 */
export const DEFAULT_ASSISTANT_TIMING: AssistantTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  firstPollMs: 300,
  pollMinMs: 100,
  pollMaxMs: 2_000,
  backoff: 0.33,
  graceMs: 10_000,
};

const MAX_TARGETS = 100;
const IN_FLIGHT = new Set(['Pending', 'Running', 'Scheduled', 'Stopping']);
const NOT_RUNNING = new Set([
  'InstanceNotRunning',
  'ClientNotRunning',
  'ClientNotResponse',
  'ClientNetworkBlocked',
]);
const TIMEOUTS = new Set(['DeliveryTimeout', 'ExecutionTimeout']);

const WHY: Record<string, string> = {
  InstanceNotRunning: 'the instance is not Running, so nothing ran on it',
  ClientNotRunning:
    'the Cloud Assistant agent is not running there (instance starting or stopping, or the agent is down)',
  ClientNotResponse: 'the Cloud Assistant agent does not answer',
  ClientNetworkBlocked: 'the Cloud Assistant agent cannot reach its server (network blocked)',
  DeliveryTimeout: 'the agent never picked the command up: the guest may be hung or crashed',
  ExecutionTimeout: 'the script started but did not finish in time: the guest may have hung',
};

const EXIT_MEANING: Record<number, string> = {
  [SCRIPT_EXIT.conflict]: 'reservation conflict',
  [SCRIPT_EXIT.usage]: 'bad parameters',
  [SCRIPT_EXIT.noDevice]: 'the disk is not visible on this host',
  [SCRIPT_EXIT.noTool]: 'nvme-cli is missing on this host',
  [SCRIPT_EXIT.deviceError]: 'the NVMe device returned an error',
  [SCRIPT_EXIT.unknownScript]: 'the host could not run this script',
};

const firstLine = (text: string): string => text.trim().split('\n')[0]?.slice(0, 300) ?? '';

/** A parser for the bot scripts' contract: the last non-empty line is one JSON value of `schema`. */
export function jsonLine<T>(schema: z.ZodType<T>): OutputParser<T> {
  return (output) => {
    const line = output.trim().split('\n').pop() ?? '';
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, message: `not JSON: ${line.slice(0, 200)}` };
    }
    const parsed = schema.safeParse(raw);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, message: `unexpected JSON (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  };
}

/** Turns one finished result row into an outcome. */
export function outcomeOf<T>(row: InvocationResult, parse: OutputParser<T>): TargetOutcome<T> {
  const { instanceId } = row;
  const fail = (state: Exclude<TargetState, 'ok'>, code: string, message: string): TargetOutcome<T> => ({
    ok: false,
    instanceId,
    state,
    code,
    message,
  });
  if (row.status === 'Success' && (row.exitCode ?? 0) === 0) {
    if (row.dropped > 0)
      return fail('bad_output', 'bad_output', `output cut by ${row.dropped} bytes (24 KB limit)`);
    const parsed = parse(row.output);
    return parsed.ok
      ? { ok: true, instanceId, value: parsed.value }
      : fail('bad_output', 'bad_output', parsed.message);
  }
  if (NOT_RUNNING.has(row.errorCode))
    return fail('not_running', row.errorCode, WHY[row.errorCode] ?? row.errorInfo);
  if (row.status === 'Timeout' || TIMEOUTS.has(row.errorCode)) {
    const code = row.errorCode || 'Timeout';
    return fail('timeout', code, WHY[code] ?? 'the command timed out');
  }
  if (row.exitCode !== null && row.exitCode !== 0) {
    const meaning = EXIT_MEANING[row.exitCode];
    const said = firstLine(row.output) || row.errorInfo;
    return fail(
      'failed',
      `exit_${row.exitCode}`,
      `${meaning ? `${meaning}: ` : ''}${said} (exit ${row.exitCode})`,
    );
  }
  const code = row.errorCode || row.status || 'unknown';
  return fail(
    'error',
    code,
    `Cloud Assistant reported ${row.status || 'nothing'}${row.errorInfo ? `: ${row.errorInfo}` : ''}`,
  );
}

/**
 * Runs `script` on every instance and waits for all of them (the invocation's Timeout plus a grace
 * period at most). The answer has exactly one outcome per distinct instance id, in input order.
 */
export async function runOnInstances<T>(
  gateway: ReadGateway,
  run: AssistantRun,
  parse: OutputParser<T>,
  timing: AssistantTiming = DEFAULT_ASSISTANT_TIMING,
): Promise<TargetOutcome<T>[]> {
  const ids = [...new Set(run.instanceIds)];
  const outcomes = new Map<string, TargetOutcome<T>>();
  const invocations: { invokeId: string; ids: string[] }[] = [];
  for (let i = 0; i < ids.length; i += MAX_TARGETS) {
    const chunk = ids.slice(i, i + MAX_TARGETS);
    try {
      const { value } = await gateway.runCommand({
        ...run,
        instanceIds: chunk,
        ...(run.clientToken ? { clientToken: `${run.clientToken}-${i / MAX_TARGETS}`.slice(0, 64) } : {}),
      });
      invocations.push({ invokeId: value.invokeId, ids: chunk });
    } catch (error) {
      const { code, message } = describeFailure(error);
      for (const id of chunk) outcomes.set(id, { ok: false, instanceId: id, state: 'error', code, message });
    }
  }
  const lastStatus = new Map<string, string>();
  const sent = timing.now();
  const deadline =
    sent + Math.min(run.timeoutSec * 1000 + timing.graceMs, timing.patienceMs ?? Number.POSITIVE_INFINITY);
  let polls = 0;
  while (invocations.some((inv) => inv.ids.some((id) => !outcomes.has(id))) && timing.now() < deadline) {
    const age = timing.now() - sent;
    const delay =
      polls++ === 0 && timing.firstPollMs !== undefined
        ? timing.firstPollMs
        : Math.min(timing.pollMaxMs, Math.max(timing.pollMinMs, age * timing.backoff));
    await timing.sleep(Math.min(delay, Math.max(0, deadline - timing.now())));
    await Promise.all(
      invocations.map(async (inv) => {
        if (inv.ids.every((id) => outcomes.has(id))) return;
        let rows: InvocationResult[];
        try {
          rows = await gateway.describeInvocationResults({ regionId: run.regionId, invokeId: inv.invokeId });
        } catch {
          return; // the next poll asks again; the deadline bounds the wait
        }
        for (const row of rows) {
          if (!inv.ids.includes(row.instanceId) || outcomes.has(row.instanceId)) continue;
          lastStatus.set(row.instanceId, row.status);
          if (!IN_FLIGHT.has(row.status)) outcomes.set(row.instanceId, outcomeOf(row, parse));
        }
      }),
    );
  }
  return ids.map(
    (id) =>
      outcomes.get(id) ?? {
        ok: false,
        instanceId: id,
        state: 'no_answer',
        code: 'no_answer',
        message: `no result after ${run.timeoutSec} s (Cloud Assistant last said ${lastStatus.get(id) ?? 'nothing'})`,
      },
  );
}
