import { describeFailure } from '../../cloud/explain.js';
import { readMounts } from '../../cloud/mounts.js';
import type { RequestKind } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import type { ExecutionResult } from '../ports.js';
import type { StepContext } from './context.js';

/**
 * Adds the mount table to the result of an attach, detach or failover (design.md §7): one fresh
 * DescribeDisks, then inspect on every instance still attached in one RunCommand. The instances the
 * request named stay in the table after they lost the disk. A table that cannot be read is
 * reported as a failed step; it never changes the request's outcome. Failover reads its own table
 * (`failover.ts`): it must not wait for a hung old primary, and it knows the verified fence.
 */
export async function withMountTable(
  ctx: StepContext<RequestKind>,
  result: ExecutionResult,
): Promise<ExecutionResult> {
  // Init reads and verifies its own table (steps/init.ts); a snapshot or a delete changes no mount.
  const own = ['create', 'failover', 'init', 'snapshot', 'delete'];
  if (own.includes(ctx.request.kind)) return result;
  const p = ctx.params as ParamsOf['attach' | 'detach' | 'failover'];
  const named = 'instanceIds' in p ? p.instanceIds : [p.fromInstanceId, p.toInstanceId];
  const started = ctx.clock.now();
  try {
    const [disk] = await ctx.gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] });
    if (!disk) return result;
    const mounts = await readMounts(ctx.gateway, disk, {
      regionId: p.regionId,
      timeoutSec: ctx.assistantTimeoutSec,
      timing: ctx.assistantTiming,
      alsoShow: named,
    });
    const unknown = mounts.rows.filter((r) => r.access === 'unknown').length;
    await ctx.report({
      label: 'Mount status read',
      status: 'ok',
      detail: `${mounts.rows.length} ${mounts.rows.length === 1 ? 'instance' : 'instances'}${unknown > 0 ? `, ${unknown} unknown` : ''}`,
      durationMs: ctx.clock.now() - started,
    });
    return { ...result, mounts };
  } catch (error) {
    const { code, message } = describeFailure(error);
    await ctx.report({
      label: 'Mount status read',
      status: 'failed',
      detail: `${code}: ${message}`,
      durationMs: ctx.clock.now() - started,
    });
    return result;
  }
}
