import { CloudError } from '../../cloud/errors.js';
import { describeFailure, explainCloudCode } from '../../cloud/explain.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import type { FinishState } from '../../workflow/state-machine.js';
import { mapBounded } from '../bounded.js';
import type { AttachmentRow, ExecutionResult, InstanceFailure } from '../ports.js';
import { CURSOR, type StepContext } from './context.js';

/** What differs between attaching and detaching one disk on many instances. */
export interface FanOutSpec {
  readonly verb: 'attach' | 'detach';
  readonly action: 'AttachDisk' | 'DetachDisk';
  readonly diskId: string;
  readonly regionId: string;
  readonly instanceIds: readonly string[];
  /** True once the instance is where this request wants it. */
  reached(disk: DiskInfo | undefined, instanceId: string): boolean;
  send(instanceId: string): Promise<{ requestId: string }>;
  /** Codes meaning "a call for this is already in flight" (ours, before a crash or a retried timeout). */
  readonly inFlightCodes: readonly string[];
  /** Codes meaning "already done". */
  readonly doneCodes: readonly string[];
}

type Sent =
  | { instanceId: string; kind: 'skipped' }
  | { instanceId: string; kind: 'sent'; at: number; inFlightCode?: string; requestId?: string }
  | { instanceId: string; kind: 'failed'; code: string; message: string };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What one round of mutations did, before it is summed up into a result. */
export interface FanOutRound {
  readonly targets: readonly string[];
  readonly skipped: readonly string[];
  readonly failures: readonly InstanceFailure[];
  /** The disk as last seen (after the round), or the snapshot's when nothing was sent. */
  readonly disk: DiskInfo | undefined;
}

/**
 * Sends one mutation per instance in parallel (bounded), skipping instances already where they
 * should be, then waits for all of them with the shared DiskWatcher (one DescribeDisks per tick for
 * every running request), reporting each instance as it lands.
 */
export async function fanOut(
  ctx: StepContext<'attach' | 'detach'>,
  spec: FanOutSpec,
): Promise<ExecutionResult> {
  const began = ctx.clock.now();
  const round = await fanOutRound(ctx, spec);
  return summarize(spec, round, ctx.clock.now() - began);
}

/** One round of `fanOut` without the summary (a two-phase attach sums up two rounds). */
export async function fanOutRound(
  ctx: StepContext<'attach' | 'detach'>,
  spec: FanOutSpec,
): Promise<FanOutRound> {
  const targets = [...new Set(spec.instanceIds)];
  const sent = await mapBounded(targets, ctx.mutationConcurrency, async (instanceId): Promise<Sent> => {
    if (spec.reached(ctx.world.disk, instanceId)) return { instanceId, kind: 'skipped' };
    ctx.assertHeld();
    const at = ctx.clock.now();
    try {
      const { requestId } = await spec.send(instanceId);
      return { instanceId, kind: 'sent', at, requestId };
    } catch (error) {
      const code = error instanceof CloudError ? error.cloudCode : '';
      if (spec.doneCodes.includes(code)) return { instanceId, kind: 'skipped' };
      if (spec.inFlightCodes.includes(code)) return { instanceId, kind: 'sent', at, inFlightCode: code };
      return { instanceId, kind: 'failed', ...describeFailure(error) };
    }
  });
  const skipped = sent.filter((s) => s.kind === 'skipped').map((s) => s.instanceId);
  const waiting = sent.filter((s): s is Extract<Sent, { kind: 'sent' }> => s.kind === 'sent');
  const failures: InstanceFailure[] = sent.flatMap((s) =>
    s.kind === 'failed' ? [{ instanceId: s.instanceId, code: s.code, message: s.message }] : [],
  );
  await ctx.advance(CURSOR.ISSUED, {
    action: spec.action,
    sent: waiting.map((s) => ({ instanceId: s.instanceId, cloudRequestId: s.requestId ?? null })),
    skipped,
    failed: failures.map((f) => ({ instanceId: f.instanceId, code: f.code })),
  });
  if (skipped.length > 0) {
    const why = spec.verb === 'attach' ? 'already attached' : 'not attached';
    await ctx.report({
      label: `${spec.action} skipped`,
      status: 'skipped',
      detail: `${why}: ${skipped.join(', ')}`,
      durationMs: 0,
    });
  }
  for (const f of failures) {
    await ctx.report({
      label: `${spec.action} ${f.instanceId}`,
      status: 'failed',
      detail: `${f.code}: ${f.message}`,
      durationMs: 0,
    });
  }

  let disk = ctx.world.disk;
  if (waiting.length > 0) {
    const landed = new Set<string>();
    const reports: Promise<void>[] = [];
    const result = await ctx.watcher.watch(spec.regionId, spec.diskId, {
      timeoutMs: ctx.waitTimeoutMs,
      learn: spec.action,
      until: (d) => waiting.every((s) => spec.reached(d, s.instanceId)),
      onUpdate: (d) => {
        for (const s of waiting) {
          if (landed.has(s.instanceId) || !spec.reached(d, s.instanceId)) continue;
          landed.add(s.instanceId);
          const device = d?.attachments.find((a) => a.instanceId === s.instanceId)?.device;
          reports.push(
            ctx.report({
              label: `${spec.action} ${s.instanceId}`,
              status: 'ok',
              ...(device ? { detail: device } : {}),
              durationMs: ctx.clock.now() - s.at,
            }),
          );
        }
      },
    });
    await Promise.all(reports);
    disk = result.disk ?? disk;
    for (const s of waiting) {
      if (landed.has(s.instanceId)) continue;
      const code = s.inFlightCode ?? 'wait_timeout';
      const message = `${explainCloudCode(code)} (waited ${seconds(ctx.waitTimeoutMs)})`;
      failures.push({ instanceId: s.instanceId, code, message });
      await ctx.report({
        label: `${spec.action} ${s.instanceId}`,
        status: 'failed',
        detail: `${code}: ${message}`,
        durationMs: ctx.clock.now() - s.at,
      });
    }
  }
  return { targets, skipped, failures, disk };
}

/** The result of one or more rounds: attached/detached table, state and outcome. */
export function summarize(spec: FanOutSpec, round: FanOutRound, tookMs: number): ExecutionResult {
  const { targets, skipped, failures, disk } = round;
  const attachments: AttachmentRow[] = (disk?.attachments ?? []).map((a) => ({
    instanceId: a.instanceId,
    device: a.device,
    state: 'attached',
  }));
  if (spec.verb === 'detach') {
    const untouched = new Set([...skipped, ...failures.map((f) => f.instanceId)]);
    for (const id of targets) {
      if (!untouched.has(id)) attachments.push({ instanceId: id, device: '', state: 'detached' });
    }
  }
  const good = targets.length - failures.length;
  const instances = (n: number) => `${n} ${n === 1 ? 'instance' : 'instances'}`;
  const past = spec.verb === 'attach' ? 'Attached' : 'Detached';
  const direction = spec.verb === 'attach' ? 'to' : 'from';
  const failed = failures.map((f) => `${f.instanceId} (${f.code})`).join(', ');
  let state: FinishState;
  let message: string;
  if (failures.length === 0) {
    state = 'succeeded';
    message = `${past} ${spec.diskId} ${direction} ${instances(targets.length)} in ${seconds(tookMs)}.`;
  } else if (good > 0) {
    state = 'partial';
    message = `${past} ${spec.diskId} ${direction} ${good} of ${instances(targets.length)}; failed: ${failed}.`;
  } else {
    state = 'failed';
    message = `Nothing ${past.toLowerCase()}: ${failed}.`;
  }
  const code = {
    succeeded: `${spec.verb}ed`,
    partial: `partially_${spec.verb}ed`,
    failed: `${spec.verb}_failed`,
  }[state];
  return { state, outcome: { code, message }, attachments, failures };
}
