/**
 * Execution helpers for resize, snapshot and delete (issue 19), over the `EcsGateway` port and
 * explicit inputs, so the request kinds can call them from their steps. Each returns its expected
 * failures as data with a stable code; cloud errors other than those propagate to the caller's
 * retry mapping.
 */
import { type AssistantTiming, DEFAULT_ASSISTANT_TIMING, jsonLine, runOnInstances } from './assistant.js';
import type { DiskInfo, EcsGateway, ReadGateway, SnapshotInfo } from './gateway.js';
import { type RescanVerdict, verifyRescan } from './preflight/rescan-verify.js';
import type { GrowPlan } from './preflight/resize-rules.js';
import {
  type FsGrowReport,
  type FsGrowRole,
  fsGrowReportSchema,
  rescanReportSchema,
  scriptText,
  serialFor,
} from './scripts/index.js';

export interface PollTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_POLL: PollTiming = {
  intervalMs: 2_000,
  timeoutMs: 15 * 60_000,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type Failure = { readonly ok: false; readonly code: string; readonly message: string };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Failure;

const SNAPSHOT_NAME_MAX = 128;

/**
 * "shared-disk-bot r-12 resize by alice: grow for logs": who and why, 2–128 characters and never
 * starting with `auto` (CreateSnapshot's rules), control characters dropped.
 */
export function snapshotName(input: {
  requestId: string;
  action: string;
  requester: string;
  reason?: string;
}): string {
  const base = `shared-disk-bot ${input.requestId} ${input.action} by ${input.requester}`;
  const text = input.reason ? `${base}: ${input.reason}` : base;
  return text.replace(/\p{Cc}/gu, ' ').slice(0, SNAPSHOT_NAME_MAX);
}

/**
 * Polls DescribeSnapshots until the snapshot is `accomplished`; `failed`, gone or too slow are failures.
 * Reads only: a step waits through its read gateway.
 */
export async function waitForSnapshot(
  gateway: Pick<ReadGateway, 'describeSnapshots'>,
  regionId: string,
  snapshotId: string,
  timing: PollTiming = DEFAULT_POLL,
): Promise<Outcome<SnapshotInfo>> {
  const deadline = timing.now() + timing.timeoutMs;
  for (;;) {
    const [snapshot] = await gateway.describeSnapshots({ regionId, snapshotIds: [snapshotId] });
    if (!snapshot)
      return { ok: false, code: 'snapshot_missing', message: `Snapshot ${snapshotId} no longer exists.` };
    if (snapshot.status === 'accomplished') return { ok: true, value: snapshot };
    if (snapshot.status === 'failed') {
      return { ok: false, code: 'snapshot_failed', message: `ECS reports snapshot ${snapshotId} as failed.` };
    }
    if (timing.now() >= deadline) {
      return {
        ok: false,
        code: 'snapshot_timeout',
        message: `Snapshot ${snapshotId} is still ${snapshot.status} (${snapshot.progressPercent}%) after ${Math.round(timing.timeoutMs / 60_000)} min.`,
      };
    }
    await timing.sleep(timing.intervalMs);
  }
}

/** Polls DescribeDisks until the disk reports `sizeGiB` and is no longer busy. */
export async function waitForDiskSize(
  gateway: EcsGateway,
  regionId: string,
  diskId: string,
  sizeGiB: number,
  timing: PollTiming = DEFAULT_POLL,
): Promise<Outcome<DiskInfo>> {
  const deadline = timing.now() + timing.timeoutMs;
  for (;;) {
    const [disk] = await gateway.describeDisks({ regionId, diskIds: [diskId] });
    if (!disk) return { ok: false, code: 'disk_missing', message: `${diskId} no longer exists.` };
    if (disk.sizeGiB >= sizeGiB && (disk.status === 'In_use' || disk.status === 'Available'))
      return { ok: true, value: disk };
    if (timing.now() >= deadline) {
      return {
        ok: false,
        code: 'wait_timeout',
        message: `${diskId} still shows ${disk.sizeGiB} GiB (${disk.status}), not ${sizeGiB} GiB.`,
      };
    }
    await timing.sleep(timing.intervalMs);
  }
}

/**
 * DeleteDisk, then proof that the disk is gone: ECS ignores an unknown id, so only DescribeDisks
 * can tell. A disk already gone is not deleted again (under the tag-scoped RAM policy a gone disk
 * has no tag to match, and the call would be refused).
 */
export async function deleteAndVerify(
  gateway: EcsGateway,
  regionId: string,
  diskId: string,
  timing: PollTiming = DEFAULT_POLL,
): Promise<Outcome<{ requestId: string | null }>> {
  const gone = async () => (await gateway.describeDisks({ regionId, diskIds: [diskId] })).length === 0;
  if (await gone()) return { ok: true, value: { requestId: null } };
  const { requestId } = await gateway.deleteDisk({ diskId });
  const deadline = timing.now() + timing.timeoutMs;
  while (!(await gone())) {
    if (timing.now() >= deadline)
      return { ok: false, code: 'wait_timeout', message: `${diskId} is still listed after DeleteDisk.` };
    await timing.sleep(timing.intervalMs);
  }
  return { ok: true, value: { requestId } };
}

export interface GuestScriptOptions {
  readonly regionId: string;
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
  /** Idempotency for the invocation (the request and step). */
  readonly clientToken?: string;
}

/** One invocation of `rescan` on every attached instance, read into the verification table. */
export async function rescanEveryNode(
  gateway: EcsGateway,
  disk: DiskInfo,
  expectGiB: number,
  waitSec: number,
  options: GuestScriptOptions,
): Promise<RescanVerdict> {
  const attached = disk.attachments.map((a) => a.instanceId);
  const outcomes = await runOnInstances(
    gateway,
    {
      regionId: options.regionId,
      instanceIds: attached,
      script: scriptText('rescan'),
      parameters: { serial: serialFor(disk), expectGiB: String(expectGiB), waitSec: String(waitSec) },
      timeoutSec: options.timeoutSec,
      ...(options.clientToken ? { clientToken: options.clientToken } : {}),
    },
    jsonLine(rescanReportSchema),
    options.timing ?? DEFAULT_ASSISTANT_TIMING,
  );
  return verifyRescan(expectGiB, attached, outcomes);
}

export interface GrowPhase {
  readonly role: FsGrowRole;
  readonly instanceIds: readonly string[];
}

/** The phases of a plan in the order they must run: partition, every other node's re-read, the file system. */
export function growPhases(plan: GrowPlan): GrowPhase[] {
  if (plan.growNode === null) return [];
  const others = plan.steps.filter((s) => s.step === 'reread').map((s) => s.instanceId);
  return [
    ...(plan.partitioned ? [{ role: 'partition' as const, instanceIds: [plan.growNode] }] : []),
    ...(plan.partitioned && others.length > 0 ? [{ role: 'reread' as const, instanceIds: others }] : []),
    ...(plan.fstype ? [{ role: 'filesystem' as const, instanceIds: [plan.growNode] }] : []),
  ];
}

/**
 * Runs the plan's phases in order, each phase one invocation; stops at the first node that fails,
 * naming it (nothing after it runs, so no node is left addressing space another cannot see).
 * Call it only once `rescanEveryNode` says every node sees the new size.
 */
export async function growFileSystem(
  gateway: EcsGateway,
  disk: DiskInfo,
  plan: GrowPlan,
  options: GuestScriptOptions,
): Promise<Outcome<{ role: FsGrowRole; reports: FsGrowReport[] }[]>> {
  const done: { role: FsGrowRole; reports: FsGrowReport[] }[] = [];
  for (const phase of growPhases(plan)) {
    const outcomes = await runOnInstances(
      gateway,
      {
        regionId: options.regionId,
        instanceIds: phase.instanceIds,
        script: scriptText('fs-grow'),
        parameters: { serial: serialFor(disk), role: phase.role },
        timeoutSec: options.timeoutSec,
        ...(options.clientToken ? { clientToken: `${options.clientToken}-${phase.role}` } : {}),
      },
      jsonLine(fsGrowReportSchema),
      options.timing ?? DEFAULT_ASSISTANT_TIMING,
    );
    const failed = outcomes.find((o) => !o.ok);
    if (failed && !failed.ok) {
      return {
        ok: false,
        code: `grow_${phase.role}_failed`,
        message: `${phase.role} on ${failed.instanceId} failed: ${failed.message}`,
      };
    }
    done.push({ role: phase.role, reports: outcomes.flatMap((o) => (o.ok ? [o.value] : [])) });
  }
  return { ok: true, value: done };
}
