import { CloudError } from './errors.js';

/**
 * Plain-language meaning and fix for the ECS codes an execution can meet
 * (docs/multi-attach-facts.md); the failure message shown in Slack is this plus the cloud's own text.
 */
const EXPLAIN: Record<string, string> = {
  DiskAttachedNumberExceeded:
    'the disk already serves 16 instances, the multi-attach maximum; detach one first',
  ResourcesNotInSameZone:
    'the instance is in another zone than the disk; a disk attaches only within its zone',
  IncorrectInstanceStatus:
    'the instance is starting or stopping; wait until it is Running or Stopped and retry',
  IncorrectDiskStatus: 'the disk is busy with another operation; retry when it settles',
  'InvalidInstanceType.NotSupportMultiAttachDisk': 'the instance type cannot attach disks over NVMe',
  'InvalidInstanceType.NvmeUnsupported': 'the instance type cannot attach disks over NVMe',
  'InvalidImage.NvmeUnsupported': 'the instance image has no NVMe driver',
  InstanceDiskLimitExceeded: 'the instance has no free disk slot; detach a data disk from it first',
  'InvalidDiskId.NotFound': 'the disk no longer exists',
  'InvalidInstanceId.NotFound': 'the instance no longer exists',
  'OperationDenied.ZoneNotSupportMultiAttachDisk': 'the zone does not offer multi-attach; pick another zone',
  'InvalidParameter.DiskCategoryAndMultiAttachNotMatch': 'this disk category cannot be multi-attached',
  'InvalidDiskCategory.NotSupported': 'the zone does not offer this disk category',
  'InvalidDiskSize.NotSupported': 'the size is outside the range of the category and performance level',
  IdempotentParameterMismatch: 'an earlier call with the same request id used other parameters',
  'InvalidDiskSize.TooSmall': 'the new size must be larger than the disk is now; a disk never shrinks',
  'InvalidOperation.MultiAttachDiskNotSupportResizeOnline':
    'this region still resizes a multi-attach disk offline only: stop every attached instance, then resize with --offline',
  DiskCreatingSnapshot: 'a snapshot of the disk is being created; wait until it is accomplished and retry',
  'InvalidSnapshotName.Malformed': 'the snapshot name must be 2-128 characters and not start with auto',
  'InvalidRetentionDays.Malformed': 'the retention must be 1 to 65536 days',
  'QuotaExceed.Snapshot': 'the disk already has 256 manual snapshots; delete old ones first',
  'InvalidSnapshotId.NotFound': 'the snapshot no longer exists',
  IncorrectSnapshotStatus: 'the snapshot is still being created; wait until it is accomplished',
  'DeleteWithInstance.Conflict': 'multi-attach disks cannot be released with an instance',
  InternalError: 'ECS had an internal error and kept failing after retries; try again later',
  ServiceUnavailable: 'ECS was unavailable and kept failing after retries; try again later',
  RequestTimeout: 'ECS did not answer in time, even after retries; check the console before retrying',
  NetworkError: 'the bot could not reach ECS, even after retries',
  wait_timeout: 'ECS accepted the call but the change did not show up in time; check the console',
};

export function explainCloudCode(code: string): string {
  if (code.startsWith('Throttling'))
    return 'ECS kept throttling the account after retries; try again in a minute';
  return EXPLAIN[code] ?? 'ECS refused the call';
}

/** `{ code, message }` for a failed call: the plain meaning first, then what ECS said and its RequestId. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (!(error instanceof CloudError)) {
    return { code: 'unexpected_error', message: error instanceof Error ? error.message : String(error) };
  }
  const said = error.requestId ? `${error.message} (RequestId ${error.requestId})` : error.message;
  return { code: error.cloudCode, message: `${explainCloudCode(error.cloudCode)}. ECS: ${said}` };
}
