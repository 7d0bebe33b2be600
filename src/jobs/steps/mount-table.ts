import { describeFailure } from '../../cloud/explain.js';
import { type MountTable, readMounts } from '../../cloud/mounts.js';
import type { RequestKind } from '../../workflow/request.js';
import type { ExecutionResult } from '../ports.js';
import type { StepContext } from './context.js';

/** The disk whose mount table a result shows, and the instances the request named. */
export interface MountTableOf {
  readonly diskId: string;
  readonly regionId: string;
  readonly named: readonly string[];
}

/**
 * Adds the mount table to the result of an attach or detach (design.md §7): one fresh
 * DescribeDisks, then inspect on every instance still attached in one RunCommand. The instances the
 * request named stay in the table after they lost the disk. A table that cannot be read is
 * reported as a failed step; it never changes the request's outcome. Failover reads its own table
 * (`failover.ts`): it must not wait for a hung old primary, and it knows the verified fence; init
 * reads and verifies its own (`init.ts`). A kind adds it in its steps (src/kinds/<kind>/execution.ts).
 */
export async function withMountTable<K extends RequestKind>(
  ctx: StepContext<K>,
  result: ExecutionResult,
  { diskId, regionId, named }: MountTableOf,
): Promise<ExecutionResult> {
  const started = ctx.clock.now();
  try {
    const [disk] = await ctx.gateway.describeDisks({ regionId, diskIds: [diskId] });
    if (!disk) return result;
    const mounts = await readMounts(ctx.gateway, disk, {
      regionId,
      timeoutSec: ctx.assistantTimeoutSec,
      timing: ctx.assistantTiming,
      alsoShow: named,
    });
    await reportMountTable(ctx, mounts, ctx.clock.now() - started);
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

/** The step line of a mount table read: how many rows, and how many of them unknown. */
export async function reportMountTable<K extends RequestKind>(
  ctx: StepContext<K>,
  mounts: MountTable,
  durationMs: number,
): Promise<void> {
  const unknown = mounts.rows.filter((r) => r.access === 'unknown').length;
  await ctx.report({
    label: 'Mount status read',
    status: 'ok',
    detail: `${mounts.rows.length} ${mounts.rows.length === 1 ? 'instance' : 'instances'}${unknown > 0 ? `, ${unknown} unknown` : ''}`,
    durationMs,
  });
}
