/**
 * The bot's view of ECS: plain data, no SDK types. The adapter (`ecs-sdk-gateway.ts`) is the only
 * module that knows `@alicloud/ecs20140526`; everything else depends on this port.
 */
export type DiskStatus =
  | 'Creating'
  | 'Available'
  | 'Attaching'
  | 'In_use'
  | 'Detaching'
  | 'ReIniting'
  | string;

export interface DiskAttachment {
  readonly instanceId: string;
  readonly device: string;
  readonly attachedTime: string;
}

export interface DiskInfo {
  readonly diskId: string;
  readonly diskName: string;
  readonly regionId: string;
  readonly zoneId: string;
  readonly category: string;
  readonly performanceLevel: string;
  readonly sizeGiB: number;
  readonly status: DiskStatus;
  readonly multiAttach: boolean;
  readonly chargeType: string;
  readonly serialNumber: string;
  readonly attachments: readonly DiskAttachment[];
  readonly tags: Readonly<Record<string, string>>;
  /** ECS `DetachedTime`: when the disk was last detached; empty or absent when it never was. */
  readonly detachedTime?: string;
}

export interface InstanceInfo {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly status: string;
  readonly zoneId: string;
  readonly instanceType: string;
  readonly imageId: string;
  /** VpcAttributes.PrivateIpAddress[0]; absent when the cloud gave none (classic network). */
  readonly privateIp?: string;
}

export interface InstanceTypeInfo {
  readonly instanceTypeId: string;
  /** `required` when the type attaches disks over NVMe. */
  readonly nvmeSupport: string;
  readonly diskQuantity: number;
}

export interface ImageInfo {
  readonly imageId: string;
  /** `supported` when the image carries NVMe drivers. */
  readonly nvmeSupport: string;
}

export interface CreateDiskInput {
  readonly regionId: string;
  readonly zoneId?: string;
  readonly diskName: string;
  readonly category: string;
  readonly performanceLevel?: string;
  readonly sizeGiB: number;
  readonly provisionedIops?: number;
  readonly burstingEnabled?: boolean;
  readonly description?: string;
  readonly tags?: readonly { key: string; value: string }[];
  /** Idempotency token (≤ 64 ASCII): the same token never creates a second disk. */
  readonly clientToken: string;
}

/** `ResizeDisk`: online with every attached instance Running, offline with every one Stopped. */
export interface ResizeDiskInput {
  readonly diskId: string;
  /** Larger than the current size and within the category's range. */
  readonly newSizeGiB: number;
  readonly type: 'online' | 'offline';
  /** Idempotency token (≤ 64 ASCII): a retried call never resizes twice. */
  readonly clientToken: string;
}

export interface CreateSnapshotInput {
  readonly diskId: string;
  /** 2–128 characters, not starting with `auto`: says who and why. */
  readonly snapshotName: string;
  readonly description?: string;
  /** 1–65536; absent keeps the snapshot until someone deletes it. */
  readonly retentionDays?: number;
  readonly tags?: readonly { key: string; value: string }[];
  /** Idempotency token (≤ 64 ASCII): a retried call never takes a second snapshot. */
  readonly clientToken: string;
}

export type SnapshotStatus = 'progressing' | 'accomplished' | 'failed' | string;

export interface SnapshotInfo {
  readonly snapshotId: string;
  readonly snapshotName: string;
  readonly sourceDiskId: string;
  readonly sourceDiskSizeGiB: number;
  readonly status: SnapshotStatus;
  /** 0–100, from ECS `Progress` ("45%"). */
  readonly progressPercent: number;
  readonly creationTime: string;
  /** Absent when the snapshot is kept until deleted. */
  readonly retentionDays?: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** One Cloud Assistant invocation of a shell script on many instances (`RunCommand`). */
export interface RunCommandInput {
  readonly regionId: string;
  /** At most 100 (the API's limit); the assistant runner splits larger lists. */
  readonly instanceIds: readonly string[];
  /** The script text; sent Base64-encoded, `Type=RunShellScript`, `EnableParameter=true`. */
  readonly script: string;
  /** Values for the script's `{{name}}` references. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly timeoutSec: number;
  readonly name?: string;
  /** Idempotency token (≤ 64 ASCII): a retried call never runs the script twice. */
  readonly clientToken?: string;
}

/** One instance's row of `DescribeInvocationResults`, output already Base64-decoded. */
export interface InvocationResult {
  readonly instanceId: string;
  /** `Pending`, `Running`, `Success`, `Failed`, `Timeout`, `Error`, `Aborted`, `Cancelled`, … */
  readonly status: string;
  /** Absent until the script has run. */
  readonly exitCode: number | null;
  readonly output: string;
  /** Bytes Cloud Assistant cut past its 24 KB output limit. */
  readonly dropped: number;
  /** `InstanceNotRunning`, `ClientNotRunning`, `DeliveryTimeout`, `ExecutionTimeout`, `ExitCodeNonzero`, … */
  readonly errorCode: string;
  readonly errorInfo: string;
}

/** Every call returns the cloud's RequestId so logs and audit can quote it. */
export interface Traced<T> {
  readonly value: T;
  readonly requestId: string;
}

export interface EcsGateway {
  /** All matching disks (pages followed). At most 100 ids per call to the cloud; larger lists are split. */
  describeDisks(query: {
    regionId: string;
    diskIds?: readonly string[];
    zoneId?: string;
    multiAttach?: boolean;
    /** Leave system disks out (DiskType=data). */
    dataOnly?: boolean;
    /** Exact DiskName (name resolution). */
    diskName?: string;
  }): Promise<DiskInfo[]>;
  /**
   * The instances with these ids, or without ids every instance matching the filters (pages
   * followed). Filters: zone, exact InstanceName, status.
   */
  describeInstances(query: {
    regionId: string;
    instanceIds?: readonly string[];
    zoneId?: string;
    instanceName?: string;
    status?: string;
  }): Promise<InstanceInfo[]>;
  describeInstanceTypes(instanceTypeIds: readonly string[]): Promise<InstanceTypeInfo[]>;
  describeImages(query: { regionId: string; imageIds: readonly string[] }): Promise<ImageInfo[]>;
  createDisk(input: CreateDiskInput): Promise<Traced<{ diskId: string }>>;
  attachDisk(input: { diskId: string; instanceId: string }): Promise<Traced<void>>;
  detachDisk(input: { diskId: string; instanceId: string }): Promise<Traced<void>>;
  /** Changes the disk's size only: each guest must rescan, and partitions and file systems grow apart. */
  resizeDisk(input: ResizeDiskInput): Promise<Traced<void>>;
  /** Starts a snapshot (`progressing`); wait for `accomplished` with `describeSnapshots`. */
  createSnapshot(input: CreateSnapshotInput): Promise<Traced<{ snapshotId: string }>>;
  /** Newest first (pages followed): the disk's snapshots, or the ones with these ids. */
  describeSnapshots(query: {
    regionId: string;
    diskId?: string;
    snapshotIds?: readonly string[];
  }): Promise<SnapshotInfo[]>;
  deleteSnapshot(input: { snapshotId: string }): Promise<Traced<void>>;
  /**
   * Only an `Available` disk. ECS silently ignores an unknown id, so success proves nothing:
   * confirm with `describeDisks` that the disk is gone.
   */
  deleteDisk(input: { diskId: string }): Promise<Traced<void>>;
  /** Cloud Assistant `RunCommand`: the instances must be Running with the agent installed. */
  runCommand(input: RunCommandInput): Promise<Traced<{ invokeId: string }>>;
  /** Every instance's result of one invocation so far (pages followed). */
  describeInvocationResults(query: { regionId: string; invokeId: string }): Promise<InvocationResult[]>;
}

/**
 * How each port method touches the world, so a step can be handed a gateway without mutations
 * (`ReadGateway`) and a mutation only after the data-safety re-check of its moment. A method added
 * to `EcsGateway` does not compile until it is classified here. `script`: `runCommand`, read-only
 * or mutating by the script it carries (`scriptChangesGuest`).
 */
export const GATEWAY_ACCESS = {
  describeDisks: 'read',
  describeInstances: 'read',
  describeInstanceTypes: 'read',
  describeImages: 'read',
  describeInvocationResults: 'read',
  runCommand: 'script',
  createDisk: 'mutate',
  attachDisk: 'mutate',
  detachDisk: 'mutate',
  describeSnapshots: 'read',
  // A snapshot changes no data, but it is a write the bot is billed for and audits like the others.
  createSnapshot: 'mutate',
  deleteSnapshot: 'mutate',
  resizeDisk: 'mutate',
  deleteDisk: 'mutate',
} as const satisfies { readonly [M in keyof EcsGateway]: 'read' | 'mutate' | 'script' };

type NotMutating = {
  [M in keyof EcsGateway]: (typeof GATEWAY_ACCESS)[M] extends 'mutate' ? never : M;
}[keyof EcsGateway];

/** The port without its mutating methods; its `runCommand` refuses scripts that change a guest. */
export type ReadGateway = Pick<EcsGateway, NotMutating>;
