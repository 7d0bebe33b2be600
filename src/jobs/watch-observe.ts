/**
 * One look at every watched disk with few calls (issue 13): DescribeDisks and DescribeInstances in
 * batches of 100 ids, then ONE `inspect-disks` RunCommand per ≤ 100 Running instances carrying the
 * serials of every watched disk attached to them. The answers become plain `DiskObservation`s for
 * the pure rules in `workflow/watch-rules.ts`.
 */
import {
  type AssistantTiming,
  DEFAULT_ASSISTANT_TIMING,
  jsonLine,
  runOnInstances,
  type TargetOutcome,
} from '../cloud/assistant.js';
import type { DiskInfo, EcsGateway, InstanceInfo } from '../cloud/gateway.js';
import { isRegistrant, isSingleNodeFs } from '../cloud/mounts.js';
import {
  type InspectDisksReport,
  inspectDisksReportSchema,
  MAX_SERIALS_PER_CALL,
  type ReservationReport,
  reservationKeyFor,
  SAFE_SERIAL,
  sameKey,
  scriptText,
  serialFor,
} from '../cloud/scripts/index.js';
import type { WatchEntry } from '../store/watch-store.js';
import type { DiskObservation, GuestAnswer, InstanceFacts } from '../workflow/watch-rules.js';

const BATCH = 100;

export interface ObserveOptions {
  /** Cloud Assistant Timeout of the inspect call: a hung guest costs this long. */
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

/**
 * Instances in the order of their first disk, so the instances sharing disks share a call and its
 * serial list; a new call starts at 100 instances or `MAX_SERIALS_PER_CALL` serials.
 */
export function planInspectCalls(serialsByInstance: ReadonlyMap<string, ReadonlySet<string>>): {
  instanceIds: string[];
  serials: string[];
}[] {
  const ordered = [...serialsByInstance].sort(([, a], [, b]) =>
    ([...a][0] ?? '').localeCompare([...b][0] ?? ''),
  );
  const calls: { instanceIds: string[]; serials: Set<string> }[] = [];
  let current: { instanceIds: string[]; serials: Set<string> } | undefined;
  for (const [id, serials] of ordered) {
    const extra = [...serials].filter((s) => !current?.serials.has(s)).length;
    if (
      !current ||
      current.instanceIds.length >= BATCH ||
      current.serials.size + extra > MAX_SERIALS_PER_CALL
    ) {
      current = { instanceIds: [], serials: new Set() };
      calls.push(current);
    }
    current.instanceIds.push(id);
    for (const s of serials) current.serials.add(s);
  }
  return calls.map((c) => ({ instanceIds: c.instanceIds, serials: [...c.serials].sort() }));
}

function answerOf(outcome: TargetOutcome<InspectDisksReport> | undefined, status: string): GuestAnswer {
  if (!outcome) return status === 'Running' ? 'error' : 'skipped';
  if (outcome.ok) return 'ok';
  if (outcome.state === 'timeout' || outcome.state === 'no_answer') return 'silent';
  if (outcome.state === 'not_running') return 'not_running';
  return 'error';
}

function observeDisk(
  disk: DiskInfo,
  instances: ReadonlyMap<string, InstanceInfo>,
  outcomes: ReadonlyMap<string, TargetOutcome<InspectDisksReport>>,
): DiskObservation {
  const serial = serialFor(disk);
  let reservation: ReservationReport | null | undefined;
  const reports = new Map(
    disk.attachments.map((a) => {
      const o = outcomes.get(a.instanceId);
      const report = o?.ok ? o.value.disks.find((d) => d.serial === serial) : undefined;
      if (report?.reservation) reservation = report.reservation;
      else if (report && reservation === undefined) reservation = null;
      return [a.instanceId, report] as const;
    }),
  );
  const holderKey = reservation === undefined || reservation === null ? undefined : reservation.holder;
  const facts: InstanceFacts[] = disk.attachments.map((a) => {
    const status = instances.get(a.instanceId)?.status ?? 'unknown';
    const report = reports.get(a.instanceId);
    const fstype = report?.fstype ?? null;
    const mountpoints = report?.mountpoints ?? [];
    const registered = reservation ? isRegistrant(reservation, a.instanceId) : undefined;
    const holds =
      holderKey != null &&
      (sameKey(holderKey, reservationKeyFor(a.instanceId)) ||
        (reservation?.registrants ?? []).some(
          (r) => r.instanceId === a.instanceId && sameKey(r.key, holderKey),
        ));
    return {
      instanceId: a.instanceId,
      status,
      answer: answerOf(outcomes.get(a.instanceId), status),
      fstype,
      mountpoints,
      singleNodeMounted: isSingleNodeFs(fstype) && mountpoints.length > 0,
      ...(registered === undefined ? {} : { registered }),
      holdsReservation: holds,
      ...(report?.sizeGiB === undefined ? {} : { seenGiB: report.sizeGiB }),
    };
  });
  return {
    diskId: disk.diskId,
    exists: true,
    sizeGiB: disk.sizeGiB,
    attachments: disk.attachments.map((a) => ({ instanceId: a.instanceId, attachedTime: a.attachedTime })),
    instances: facts,
    holderKey,
    names: Object.fromEntries(
      [
        [disk.diskId, disk.diskName],
        ...disk.attachments.map((a) => [a.instanceId, instances.get(a.instanceId)?.instanceName ?? '']),
      ].filter(([, name]) => name !== ''),
    ),
  };
}

/** Every watched disk's observation; a failed Describe call throws (the cycle is skipped). */
export async function observeDisks(
  gateway: EcsGateway,
  entries: readonly WatchEntry[],
  options: ObserveOptions,
): Promise<Map<string, DiskObservation>> {
  const out = new Map<string, DiskObservation>();
  for (const [regionId, group] of groupBy(entries, (e) => e.regionId)) {
    const disks = (
      await Promise.all(
        chunks(
          group.map((e) => e.diskId),
          BATCH,
        ).map((diskIds) => gateway.describeDisks({ regionId, diskIds })),
      )
    ).flat();
    const instanceIds = [...new Set(disks.flatMap((d) => d.attachments.map((a) => a.instanceId)))];
    const instances = new Map(
      (
        await Promise.all(
          chunks(instanceIds, BATCH).map((ids) => gateway.describeInstances({ regionId, instanceIds: ids })),
        )
      )
        .flat()
        .map((i) => [i.instanceId, i]),
    );
    const serialsByInstance = new Map<string, Set<string>>();
    for (const disk of disks) {
      const serial = serialFor(disk);
      if (!SAFE_SERIAL.test(serial)) continue;
      for (const a of disk.attachments) {
        if (instances.get(a.instanceId)?.status !== 'Running') continue;
        const set = serialsByInstance.get(a.instanceId) ?? new Set<string>();
        set.add(serial);
        serialsByInstance.set(a.instanceId, set);
      }
    }
    const outcomes = new Map<string, TargetOutcome<InspectDisksReport>>();
    const parse = jsonLine(inspectDisksReportSchema);
    await Promise.all(
      planInspectCalls(serialsByInstance).map(async (call) => {
        const results = await runOnInstances(
          gateway,
          {
            regionId,
            instanceIds: call.instanceIds,
            script: scriptText('inspect-disks'),
            parameters: { serials: call.serials.join(',') },
            timeoutSec: options.timeoutSec,
            name: 'shared-disk-bot watch',
          },
          parse,
          options.timing ?? DEFAULT_ASSISTANT_TIMING,
        );
        for (const r of results) outcomes.set(r.instanceId, r);
      }),
    );
    const byId = new Map(disks.map((d) => [d.diskId, d]));
    for (const entry of group) {
      const disk = byId.get(entry.diskId);
      out.set(
        entry.diskId,
        disk
          ? observeDisk(disk, instances, outcomes)
          : { diskId: entry.diskId, exists: false, attachments: [], instances: [], holderKey: undefined },
      );
    }
  }
  return out;
}
