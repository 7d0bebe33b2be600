/** Runs the OCFS2 scripts through Cloud Assistant: one RunCommand per step for every node. */

import type { ZodType } from 'zod';
import {
  type AssistantTiming,
  DEFAULT_ASSISTANT_TIMING,
  jsonLine,
  runOnInstances,
  type TargetOutcome,
} from '../assistant.js';
import type { DiskInfo, EcsGateway, ReadGateway } from '../gateway.js';
import { SAFE_SERIAL, type ScriptName, scriptText, serialFor } from '../scripts/index.js';
import {
  type Ocfs2ClusterReport,
  type Ocfs2FormatReport,
  type Ocfs2LeaveReport,
  type Ocfs2MountReport,
  type Ocfs2Probe,
  ocfs2ClusterReportSchema,
  ocfs2FormatReportSchema,
  ocfs2LeaveReportSchema,
  ocfs2MountReportSchema,
  ocfs2ProbeSchema,
} from './reports.js';

export interface Ocfs2RunOptions {
  readonly regionId: string;
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
  /** Makes a retried step's RunCommand idempotent (request id + step). */
  readonly clientToken?: string;
}

async function run<T>(
  gateway: ReadGateway,
  name: ScriptName,
  instanceIds: readonly string[],
  parameters: Record<string, string>,
  schema: ZodType<T>,
  options: Ocfs2RunOptions,
  timeoutSec = options.timeoutSec,
): Promise<TargetOutcome<T>[]> {
  if (instanceIds.length === 0) return [];
  if (parameters.serial !== undefined && !SAFE_SERIAL.test(parameters.serial)) {
    return instanceIds.map((instanceId) => ({
      ok: false,
      instanceId,
      state: 'error',
      code: 'unsafe_serial',
      message: `the disk's serial ${JSON.stringify(parameters.serial)} has characters the bot will not put in a script`,
    }));
  }
  return runOnInstances(
    gateway,
    {
      regionId: options.regionId,
      instanceIds: [...instanceIds],
      script: scriptText(name),
      parameters,
      timeoutSec,
      name: `shared-disk-bot ${name}`,
      ...(options.clientToken ? { clientToken: options.clientToken } : {}),
    },
    jsonLine(schema),
    options.timing ?? DEFAULT_ASSISTANT_TIMING,
  );
}

type Disk = Pick<DiskInfo, 'diskId' | 'serialNumber'>;

export const probeOcfs2 = (
  gateway: ReadGateway,
  disk: Disk,
  instanceIds: readonly string[],
  params: { mountpoint: string; cluster: string },
  options: Ocfs2RunOptions,
): Promise<TargetOutcome<Ocfs2Probe>[]> =>
  run(
    gateway,
    'ocfs2-probe',
    instanceIds,
    { serial: serialFor(disk), mountpoint: params.mountpoint, cluster: params.cluster },
    ocfs2ProbeSchema,
    options,
  );

/** Installing ocfs2-tools can take minutes: this step gets at least 300 s. */
export const writeCluster = (
  gateway: EcsGateway,
  instanceIds: readonly string[],
  params: { cluster: string; nodes: string; install: boolean },
  options: Ocfs2RunOptions,
): Promise<TargetOutcome<Ocfs2ClusterReport>[]> =>
  run(
    gateway,
    'ocfs2-cluster',
    instanceIds,
    { cluster: params.cluster, nodes: params.nodes, install: params.install ? 'yes' : 'no' },
    ocfs2ClusterReportSchema,
    options,
    params.install ? Math.max(300, options.timeoutSec) : options.timeoutSec,
  );

export const formatOcfs2 = (
  gateway: EcsGateway,
  disk: Disk,
  instanceId: string,
  params: { cluster: string; slots: number; label: string; uuid: string },
  options: Ocfs2RunOptions,
): Promise<TargetOutcome<Ocfs2FormatReport>[]> =>
  run(
    gateway,
    'ocfs2-format',
    [instanceId],
    {
      serial: serialFor(disk),
      cluster: params.cluster,
      slots: String(params.slots),
      label: params.label,
      uuid: params.uuid,
    },
    ocfs2FormatReportSchema,
    options,
  );

export const mountOcfs2 = (
  gateway: EcsGateway,
  disk: Disk,
  instanceIds: readonly string[],
  params: { mountpoint: string; uuid: string },
  options: Ocfs2RunOptions,
): Promise<TargetOutcome<Ocfs2MountReport>[]> =>
  run(
    gateway,
    'ocfs2-mount',
    instanceIds,
    { serial: serialFor(disk), mountpoint: params.mountpoint, uuid: params.uuid },
    ocfs2MountReportSchema,
    options,
  );

export const leaveOcfs2 = (
  gateway: EcsGateway,
  disk: Disk,
  instanceIds: readonly string[],
  params: { mountpoint: string; uuid: string },
  options: Ocfs2RunOptions,
): Promise<TargetOutcome<Ocfs2LeaveReport>[]> =>
  run(
    gateway,
    'ocfs2-leave',
    instanceIds,
    { serial: serialFor(disk), mountpoint: params.mountpoint, uuid: params.uuid },
    ocfs2LeaveReportSchema,
    options,
  );
