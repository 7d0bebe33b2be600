/**
 * After an attach: if the disk holds the OCFS2 volume `/disk init` made, the newcomers join the
 * cluster (the grown description written on every node, their o2cb online) and mount the file
 * system where the other nodes have it. Anything else attached is left alone. Idempotent: a node
 * already listed keeps its number, a description already written or a mount already there is a no-op.
 */
import { mountOcfs2, writeCluster } from '../../cloud/ocfs2/run.js';
import { splitNodes } from '../../cloud/preflight/after-call.js';
import { GUARD_CHANGED, NO_OCFS2 } from '../../cloud/preflight/index.js';
import { planGrowth } from '../../cloud/preflight/ocfs2-grow.js';
import { nodesParam } from '../../workflow/ocfs2-cluster.js';
import type { ExecutionResult, InstanceFailure } from '../ports.js';
import type { StepContext } from './context.js';

const RETRY_JOINS = 'Retry joins and mounts it once this is fixed, with no second AttachDisk';

/**
 * Whether `growOcfs2` may have work after this attach result: it did not fail, and its own last
 * DescribeDisks shows newcomers beside nodes already there (only those may hold a cluster to join).
 */
export function mayGrowOcfs2(result: ExecutionResult, instanceIds: readonly string[]): boolean {
  if (result.state === 'failed') return false;
  const afterCall = result.attachments.filter((a) => a.state === 'attached').map((a) => a.instanceId);
  const named = new Set(instanceIds);
  return afterCall.some((id) => named.has(id)) && !afterCall.every((id) => named.has(id));
}

export async function growOcfs2(
  ctx: StepContext<'attach'>,
  result: ExecutionResult,
): Promise<ExecutionResult> {
  const p = ctx.params;
  // The moment below reads the disk afresh.
  if (!mayGrowOcfs2(result, p.instanceIds)) return result;
  const opts = { regionId: p.regionId, timeoutSec: ctx.assistantTimeoutSec, timing: ctx.assistantTiming };
  // The moment reads what the join needs (inspect and probe of every attached node) and the plan
  // is made from that same reading: no second probe.
  const described = await ctx.recheck('ocfs2-cluster');
  const started = ctx.clock.now();
  const stop = async (code: string, message: string, failures: InstanceFailure[]) => {
    await ctx.report({
      label: 'OCFS2 cluster grown',
      status: 'failed',
      detail: message,
      durationMs: ctx.clock.now() - started,
    });
    return {
      ...result,
      state: 'partial' as const,
      outcome: { code, message },
      failures: [...result.failures, ...failures],
    };
  };
  if (!described.ok)
    return stop(GUARD_CHANGED, `Attached, but not joined (${RETRY_JOINS}). ${described.change.message}`, []);
  const disk = described.world.disk;
  const facts = described.world.ocfs2Grow;
  if (!disk || !facts || facts === NO_OCFS2) return result;
  const { named: newcomers, others: older } = splitNodes(disk, p.instanceIds);
  const attached = [...older, ...newcomers];
  const mountpoint = facts.mountpoint;
  const plan = planGrowth(disk, older, newcomers, described.world.instances, facts);
  if (!plan) return result;
  if (plan.slots !== null && plan.nodes.length > plan.slots)
    return stop(
      'no_free_node_slots',
      `Attached, but no free node slots: ${plan.slots} slots, ${plan.members.length} nodes.`,
      [],
    );
  if (plan.problems.length > 0)
    return stop('ocfs2_join_failed', `Attached, but not joined: ${plan.problems.join('; ')}.`, []);
  ctx.assertHeld();
  const wrote = await writeCluster(
    described.gateway,
    attached,
    { cluster: plan.cluster, nodes: nodesParam(plan.nodes), install: plan.install },
    opts,
  );
  const failed = wrote.flatMap((o) =>
    o.ok ? [] : [{ instanceId: o.instanceId, code: o.code, message: o.message }],
  );
  if (failed.length > 0)
    return stop(
      'ocfs2_join_failed',
      `Attached, but the cluster description failed on ${failed.map((f) => f.instanceId).join(', ')}.`,
      failed,
    );
  const joined = plan.added.map((n) => `node ${n.number} ${n.hostname} (${n.instanceId})`).join(', ');
  await ctx.report({
    label: 'OCFS2 cluster grown',
    status: 'ok',
    detail: `${plan.cluster}: ${joined || 'already listed'}; ${plan.nodes.length} of ${plan.slots ?? '?'} slots`,
    durationMs: ctx.clock.now() - started,
  });
  if (!mountpoint) return result;
  const mountedAt = ctx.clock.now();
  const mounting = await ctx.recheck('ocfs2-mount');
  if (!mounting.ok)
    return stop(
      GUARD_CHANGED,
      `Attached and joined, but not mounted (${RETRY_JOINS}). ${mounting.change.message}`,
      [],
    );
  ctx.assertHeld();
  const mounted = await mountOcfs2(mounting.gateway, disk, newcomers, { mountpoint, uuid: plan.uuid }, opts);
  const mountFailed = mounted.flatMap((o) =>
    o.ok ? [] : [{ instanceId: o.instanceId, code: o.code, message: o.message }],
  );
  await ctx.report({
    label: `Mounted at ${mountpoint} (fstab _netdev)`,
    status: mountFailed.length === 0 ? 'ok' : 'failed',
    detail:
      mountFailed.length === 0
        ? newcomers.join(', ')
        : mountFailed.map((f) => `${f.instanceId}: ${f.message}`).join('; '),
    durationMs: ctx.clock.now() - mountedAt,
  });
  if (mountFailed.length > 0) {
    return {
      ...result,
      state: 'partial',
      outcome: {
        code: 'ocfs2_mount_failed',
        message: `Attached and joined, but not mounted on ${mountFailed.map((f) => f.instanceId).join(', ')}.`,
      },
      failures: [...result.failures, ...mountFailed],
    };
  }
  return result;
}
