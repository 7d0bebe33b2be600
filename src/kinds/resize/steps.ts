/**
 * `/disk resize` execution (issue 19): snapshot → wait accomplished → ResizeDisk (ClientToken; not
 * called when the disk already has the size) → wait for the size → (offline: wait until every
 * instance runs again) → rescan every node in ONE invocation → if any node still sees less, stop
 * before any grow (`partial`, Retry resumes from the verification) → grow once → the mount table.
 * Every mutation follows its own moment's re-check; the cursor makes a resumed request skip what
 * is done.
 */
import { DEFAULT_ASSISTANT_TIMING } from '../../cloud/assistant.js';
import { describeFailure } from '../../cloud/explain.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import {
  DEFAULT_POLL,
  growFileSystem,
  rescanEveryNode,
  snapshotName,
  waitForSnapshot,
} from '../../cloud/lifecycle.js';
import { rescanAdvice, rescanLines } from '../../cloud/preflight/rescan-verify.js';
import { isGrowPlan } from '../../cloud/preflight/resize-rules.js';
import type { ExecutionResult, InstanceFailure } from '../../jobs/ports.js';
import { type StepContext, type StepRunner, stoppedBy } from '../../jobs/steps/context.js';
import type { Check } from '../../workflow/request.js';
import { RESIZE_CURSOR } from './domain.js';
import type { ResizeParams } from './params.js';
import { planFacts, planOf } from './rules.js';

type Ctx = StepContext<'resize'>;

/** The region's old answer to an online resize of a multi-attach disk. */
const ONLINE_NOT_SUPPORTED = 'InvalidOperation.MultiAttachDiskNotSupportResizeOnline';
/** How long each node keeps rescanning inside the one invocation before it reports. */
const RESCAN_WAIT_SEC = 60;
/** How often an offline resize looks whether the instances run again. */
const START_POLL_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const label = (p: ResizeParams, id: string): string => {
  const name = p.names?.[id];
  return name ? `${name} (${id})` : id;
};

function end(
  state: ExecutionResult['state'],
  code: string,
  message: string,
  failures: InstanceFailure[] = [],
): ExecutionResult {
  return { state, outcome: { code, message }, attachments: [], failures };
}

/** Checks the resize itself explains once ResizeDisk went through: the disk has the size, offline instances run again. */
const afterResizeExpected =
  (p: ResizeParams) =>
  (check: Check, world: { disk?: DiskInfo }): boolean =>
    (check.code === 'size_not_larger' && world.disk?.sizeGiB === p.sizeGiB) ||
    (p.offline && check.code === 'instances_not_stopped');

/** This request's own snapshot (found by its name), so a resumed request never takes a second one. */
async function ownSnapshot(ctx: Ctx, name: string) {
  const snapshots = await ctx.gateway.describeSnapshots({
    regionId: ctx.params.regionId,
    diskId: ctx.params.diskId,
  });
  return snapshots.find((s) => s.snapshotName === name);
}

async function takeSnapshot(ctx: Ctx): Promise<ExecutionResult | undefined> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const name = snapshotName({
    requestId: ctx.request.id,
    action: 'resize',
    requester: ctx.request.requesterId,
    ...(p.reason ? { reason: p.reason } : {}),
  });
  let snapshotId = (await ownSnapshot(ctx, name))?.snapshotId;
  if (!snapshotId) {
    const moment = await ctx.recheck('CreateSnapshot');
    if (!moment.ok) return stoppedBy(moment.change, 'Stopped before the snapshot; nothing was changed.');
    ctx.assertHeld();
    try {
      const created = await moment.gateway.createSnapshot({
        diskId: p.diskId,
        snapshotName: name,
        description: `Before resizing to ${p.sizeGiB} GiB`,
        tags: [{ key: 'shared-disk-bot:request', value: ctx.request.id }],
        clientToken: `${ctx.request.id}-snapshot`,
      });
      snapshotId = created.value.snapshotId;
    } catch (error) {
      const failure = describeFailure(error);
      await ctx.report({
        label: 'CreateSnapshot',
        status: 'failed',
        detail: `${failure.code}: ${failure.message}`,
        durationMs: ctx.clock.now() - started,
      });
      return end(
        'failed',
        failure.code,
        `The snapshot could not be started, so nothing was resized: ${failure.message}`,
      );
    }
  }
  const waited = await waitForSnapshot(ctx.gateway, p.regionId, snapshotId, {
    ...DEFAULT_POLL,
    intervalMs: ctx.changePollMs ?? 250,
    timeoutMs: Math.max(ctx.waitTimeoutMs, DEFAULT_POLL.timeoutMs),
    now: () => ctx.clock.now(),
  });
  await ctx.report({
    label: `Snapshot ${snapshotId}`,
    status: waited.ok ? 'ok' : 'failed',
    detail: waited.ok ? `accomplished: ${name}` : waited.message,
    durationMs: ctx.clock.now() - started,
  });
  if (!waited.ok) return end('failed', waited.code, `${waited.message} Nothing was resized.`);
  await ctx.advance(RESIZE_CURSOR.SNAPSHOT, { snapshotId });
  return undefined;
}

async function resizeDisk(ctx: Ctx, snapshot: string): Promise<ExecutionResult | undefined> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const [now] = await ctx.gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] });
  if (now && now.sizeGiB >= p.sizeGiB) {
    // A resumed request whose ResizeDisk already went through: never a second call.
    await ctx.report({
      label: 'ResizeDisk',
      status: 'skipped',
      detail: `${p.diskId} already has ${now.sizeGiB} GiB`,
      durationMs: 0,
    });
    await ctx.advance(RESIZE_CURSOR.RESIZED, { resized: 'already' });
    return undefined;
  }
  const moment = await ctx.recheck('ResizeDisk');
  if (!moment.ok)
    return stoppedBy(moment.change, `Stopped before ResizeDisk; the disk was not resized${snapshot}.`);
  const type = p.offline ? 'offline' : 'online';
  ctx.assertHeld();
  try {
    const out = await moment.gateway.resizeDisk({
      diskId: p.diskId,
      newSizeGiB: p.sizeGiB,
      type,
      clientToken: `${ctx.request.id}-resize`,
    });
    await ctx.report({
      label: `ResizeDisk (${type})`,
      status: 'ok',
      detail: `${p.diskId} → ${p.sizeGiB} GiB`,
      durationMs: ctx.clock.now() - started,
    });
    await ctx.advance(RESIZE_CURSOR.RESIZED, { resized: p.sizeGiB, cloudRequestId: out.requestId });
    return undefined;
  } catch (error) {
    const failure = describeFailure(error);
    await ctx.report({
      label: `ResizeDisk (${type})`,
      status: 'failed',
      detail: `${failure.code}: ${failure.message}`,
      durationMs: ctx.clock.now() - started,
    });
    const message =
      failure.code === ONLINE_NOT_SUPPORTED
        ? `This region does not resize a multi-attach disk online. Stop every attached instance, then file /disk resize ${p.diskId} --size ${p.sizeGiB} --offline: the bot resizes, waits until you start them again, then verifies every node and grows.`
        : `ResizeDisk was refused, so nothing was resized: ${failure.message}`;
    return end('failed', failure.code, message);
  }
}

async function waitForSize(ctx: Ctx): Promise<DiskInfo | ExecutionResult> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const waited = await ctx.watcher.watch(p.regionId, p.diskId, {
    timeoutMs: ctx.waitTimeoutMs,
    learn: 'ResizeDisk',
    until: (disk) =>
      !!disk && disk.sizeGiB >= p.sizeGiB && (disk.status === 'In_use' || disk.status === 'Available'),
  });
  const disk = waited.disk;
  await ctx.report({
    label: `DescribeDisks shows ${p.sizeGiB} GiB`,
    status: waited.done ? 'ok' : 'failed',
    detail: disk ? `${disk.sizeGiB} GiB, ${disk.status}` : 'the disk is gone',
    durationMs: ctx.clock.now() - started,
  });
  if (!waited.done || !disk)
    return end(
      'partial',
      'wait_timeout',
      `ResizeDisk was accepted, but ${p.diskId} does not show ${p.sizeGiB} GiB yet; press Retry to resume from the verification.`,
    );
  return disk;
}

/** Offline: waits, visibly and up to the policy's bound, until the operator has started every instance. */
async function waitForRunning(ctx: Ctx, disk: DiskInfo): Promise<ExecutionResult | undefined> {
  const p = ctx.params;
  const ids = disk.attachments.map((a) => a.instanceId);
  const bound = ctx.policy.actions.resize.offlineWait;
  const started = ctx.clock.now();
  let shown = -1;
  for (;;) {
    const list =
      ids.length > 0 ? await ctx.gateway.describeInstances({ regionId: p.regionId, instanceIds: ids }) : [];
    const running = list.filter((i) => i.status === 'Running').length;
    if (running === ids.length) break;
    if (running !== shown) {
      shown = running;
      await ctx.report({
        label: `Waiting for ${ids.length} instances to start: ${running}/${ids.length} Running`,
        status: 'ok',
        detail: 'start them when the resize suits you; the bot then verifies every node and grows',
        durationMs: ctx.clock.now() - started,
      });
    }
    if (ctx.clock.now() - started >= bound)
      return end(
        'partial',
        'start_wait_timeout',
        `${p.diskId} was resized offline to ${p.sizeGiB} GiB, but only ${running} of ${ids.length} instances ran again within ${Math.round(bound / 60_000)} min; nothing was grown. Start them, then press Retry.`,
      );
    ctx.assertHeld();
    await sleep(ctx.changePollMs ?? START_POLL_MS);
  }
  await ctx.report({
    label: `Every instance Running (${ids.length}/${ids.length})`,
    status: 'ok',
    durationMs: ctx.clock.now() - started,
  });
  return undefined;
}

async function verifyEveryNode(ctx: Ctx, disk: DiskInfo): Promise<ExecutionResult | undefined> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const verdict = await rescanEveryNode(ctx.gateway, disk, p.sizeGiB, RESCAN_WAIT_SEC, {
    regionId: p.regionId,
    timeoutSec: Math.max(ctx.assistantTimeoutSec, RESCAN_WAIT_SEC + 30),
    timing: ctx.assistantTiming ?? DEFAULT_ASSISTANT_TIMING,
  });
  const name = (id: string) => label(p, id);
  await ctx.report({
    label: `Rescanned every node (${verdict.rows.length - verdict.behind.length}/${verdict.rows.length} see ${p.sizeGiB} GiB)`,
    status: verdict.allSee ? 'ok' : 'failed',
    detail: rescanLines(verdict, name).join('\n'),
    durationMs: ctx.clock.now() - started,
  });
  if (!verdict.allSee) {
    const failures = verdict.rows
      .filter((r) => !r.sees)
      .map((r) => ({
        instanceId: r.instanceId,
        code: 'size_not_seen',
        message:
          r.seenGiB === null
            ? `did not report a size (${r.why ?? 'no answer'})`
            : `still sees ${r.seenGiB} GiB`,
      }));
    return end('partial', 'nodes_behind', rescanAdvice(verdict, name), failures);
  }
  await ctx.advance(RESIZE_CURSOR.SEEN, { seen: verdict.rows.map((r) => r.instanceId) });
  return undefined;
}

async function grow(ctx: Ctx): Promise<ExecutionResult> {
  const p = ctx.params;
  const started = ctx.clock.now();
  const notGrown = 'Every node sees the new size; nothing was grown.';
  const moment = await ctx.recheck('fs-grow', { expected: afterResizeExpected(p) });
  if (!moment.ok) return { ...stoppedBy(moment.change, notGrown), state: 'partial' };
  const disk = moment.world.disk;
  if (!disk) return end('partial', 'disk_not_found', `${p.diskId} is gone. ${notGrown}`);
  const plan = planOf(disk, moment.world.resize);
  if (!isGrowPlan(plan)) return end('partial', plan.code, `${notGrown} ${plan.message}`);
  const filed = ctx.request.checks.find((c) => c.code === 'fs_plan');
  if (filed?.facts && filed.facts !== planFacts(plan))
    return end(
      'partial',
      'guard_changed',
      `${notGrown} The disk now shows ${planFacts(plan)}, the card showed ${filed.facts}; file the resize again.`,
    );
  ctx.assertHeld();
  const grown = await growFileSystem(moment.gateway, disk, plan, {
    regionId: p.regionId,
    timeoutSec: ctx.assistantTimeoutSec,
    timing: ctx.assistantTiming ?? DEFAULT_ASSISTANT_TIMING,
    clientToken: `${ctx.request.id}-grow`,
  });
  const what = plan.fstype
    ? `the ${plan.fstype} file system${plan.partitioned ? ' and its partition' : ''}`
    : plan.partitioned
      ? 'the partition'
      : 'nothing (no file system: the device only)';
  await ctx.report({
    label: plan.growNode ? `Grew ${what} once, on ${label(p, plan.growNode)}` : 'Nothing to grow',
    status: grown.ok ? 'ok' : 'failed',
    ...(grown.ok ? {} : { detail: grown.message }),
    durationMs: ctx.clock.now() - started,
  });
  if (!grown.ok)
    return end(
      'partial',
      grown.code,
      `Every node sees ${p.sizeGiB} GiB, but growing failed: ${grown.message}`,
    );
  await ctx.advance(RESIZE_CURSOR.GROWN, { grownOn: plan.growNode });
  const nodes = disk.attachments.length;
  return end(
    'succeeded',
    'ok',
    `${p.diskId} is now ${p.sizeGiB} GiB; every node sees it (${nodes}/${nodes})${plan.growNode ? ` and ${what} was grown once, on ${label(p, plan.growNode)}` : ''}.`,
  );
}

export const runResize: StepRunner<'resize'> = async (ctx) => {
  const p = ctx.params;
  const cursor = ctx.cursor;
  if (!p.afterResize && cursor < RESIZE_CURSOR.SNAPSHOT && p.snapshot) {
    const stopped = await takeSnapshot(ctx);
    if (stopped) return stopped;
  }
  if (!p.afterResize && cursor < RESIZE_CURSOR.RESIZED) {
    const stopped = await resizeDisk(ctx, p.snapshot ? ' (the snapshot is kept)' : '');
    if (stopped) return stopped;
  }
  const disk = await waitForSize(ctx);
  if (!('diskId' in disk)) return disk;
  if (p.offline && !p.afterResize) {
    const stopped = await waitForRunning(ctx, disk);
    if (stopped) return stopped;
  }
  if (cursor < RESIZE_CURSOR.SEEN) {
    const stopped = await verifyEveryNode(ctx, disk);
    if (stopped) return stopped;
  }
  return grow(ctx);
};
