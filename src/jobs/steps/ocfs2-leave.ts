/**
 * Detach of instances from a disk holding the OCFS2 volume `/disk init` made: before DetachDisk,
 * each leaving node unmounts it and drops its fstab line (`ocfs2-leave`; a failure stops the
 * request before anything is detached); after it, the nodes that stay get the description without
 * the leavers. Disks without that volume detach exactly as before.
 */
import { inspectDisk } from '../../cloud/mounts.js';
import { leaveOcfs2, writeCluster } from '../../cloud/ocfs2/run.js';
import { splitNodes } from '../../cloud/preflight/after-call.js';
import { GUARD_CHANGED } from '../../cloud/preflight/index.js';
import { planGrowth, readGrowFacts } from '../../cloud/preflight/ocfs2-grow.js';
import { nodesParam } from '../../workflow/ocfs2-cluster.js';
import type { ExecutionResult } from '../ports.js';
import { type StepContext, type StepRunner, stoppedBy } from './context.js';

type Ctx = StepContext<'detach'>;

interface Shrink {
  readonly cluster: string;
  readonly staying: readonly string[];
  readonly nodes: string;
  readonly left: readonly string[];
}

const options = (ctx: Ctx) => ({
  regionId: ctx.params.regionId,
  timeoutSec: ctx.assistantTimeoutSec,
  timing: ctx.assistantTiming,
});

async function leave(ctx: Ctx): Promise<{ stop?: ExecutionResult; shrink?: Shrink }> {
  const p = ctx.params;
  const [disk] = await ctx.gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] });
  if (!disk) return {};
  const attached = disk.attachments.map((a) => a.instanceId);
  const leaving = [...new Set(p.instanceIds)].filter((id) => attached.includes(id));
  if (leaving.length === 0) return {};
  const inspected = await inspectDisk(ctx.gateway, disk, leaving, options(ctx));
  const seen = inspected.flatMap((o) => (o.ok && o.value.fstype === 'ocfs2' ? [o.value] : []));
  if (seen.length === 0) return {};
  const mountpoint = seen.flatMap((r) => r.mountpoints)[0] ?? null;
  const facts = await readGrowFacts(ctx.gateway, disk, attached, mountpoint, p.regionId, options(ctx));
  const staying = attached.filter((id) => !leaving.includes(id));
  const plan = planGrowth(disk, staying.length > 0 ? staying : leaving, [], new Map(), facts);
  if (!plan) return {};
  const started = ctx.clock.now();
  if (mountpoint) {
    const moment = await ctx.recheck('ocfs2-leave');
    if (!moment.ok) return { stop: stoppedBy(moment.change) };
    ctx.assertHeld();
    const out = await leaveOcfs2(
      moment.gateway,
      disk,
      leaving,
      { mountpoint, uuid: plan.uuid },
      options(ctx),
    );
    const failures = out.flatMap((o) =>
      o.ok ? [] : [{ instanceId: o.instanceId, code: o.code, message: o.message }],
    );
    await ctx.report({
      label: `Unmounted ${mountpoint} before the detach`,
      status: failures.length === 0 ? 'ok' : 'failed',
      detail:
        failures.length === 0
          ? `${leaving.join(', ')}; fstab line removed`
          : failures.map((f) => `${f.instanceId}: ${f.message}`).join('; '),
      durationMs: ctx.clock.now() - started,
    });
    if (failures.length > 0) {
      const message = `Nothing was detached: the OCFS2 file system could not be unmounted on ${failures.map((f) => f.instanceId).join(', ')}.`;
      return {
        stop: {
          state: 'failed',
          outcome: { code: 'ocfs2_unmount_failed', message },
          attachments: [],
          failures,
        },
      };
    }
  }
  const hostnames = new Set(
    facts.outcomes.flatMap((o) => (o.ok && leaving.includes(o.instanceId) ? [o.value.hostname] : [])),
  );
  const remaining = plan.members.filter((m) => !hostnames.has(m.hostname));
  return { shrink: { cluster: plan.cluster, staying, nodes: nodesParam(remaining), left: [...hostnames] } };
}

async function shrink(ctx: Ctx, result: ExecutionResult, s: Shrink): Promise<ExecutionResult> {
  if (result.state === 'failed' || s.staying.length === 0 || s.nodes === '') return result;
  const started = ctx.clock.now();
  const moment = await ctx.recheck('ocfs2-cluster');
  if (!moment.ok)
    return {
      ...result,
      state: 'partial',
      outcome: {
        code: GUARD_CHANGED,
        message: `Detached, but the cluster description on the nodes that stay still lists ${s.left.join(', ')}, which a later attach counts against the node slots (once they are fit again, remove it there: o2cb remove-node). ${moment.change.message}`,
      },
    };
  ctx.assertHeld();
  // The nodes that stay by the moment's own facts: one that lost the disk since gets nothing.
  const staying = moment.world.disk
    ? splitNodes(moment.world.disk, ctx.params.instanceIds).others
    : s.staying;
  const out = await writeCluster(
    moment.gateway,
    staying,
    { cluster: s.cluster, nodes: s.nodes, install: false },
    options(ctx),
  );
  const failures = out.flatMap((o) =>
    o.ok ? [] : [{ instanceId: o.instanceId, code: o.code, message: o.message }],
  );
  await ctx.report({
    label: 'Removed from the OCFS2 cluster description',
    status: failures.length === 0 ? 'ok' : 'failed',
    detail:
      failures.length === 0
        ? `${s.left.join(', ')} removed on ${staying.length} node(s)`
        : failures.map((f) => `${f.instanceId}: ${f.message}`).join('; '),
    durationMs: ctx.clock.now() - started,
  });
  if (failures.length === 0) return result;
  return {
    ...result,
    state: 'partial',
    outcome: {
      code: 'ocfs2_shrink_failed',
      message: 'Detached, but the cluster description still lists the node on some nodes.',
    },
    failures: [...result.failures, ...failures],
  };
}

/** Wraps the detach step runner with the OCFS2 leave (before) and shrink (after). */
export const withOcfs2Leave =
  (detach: StepRunner<'detach'>): StepRunner<'detach'> =>
  async (ctx) => {
    const pre = await leave(ctx);
    if (pre.stop) return pre.stop;
    const result = await detach(ctx);
    return pre.shrink ? shrink(ctx, result, pre.shrink) : result;
  };
