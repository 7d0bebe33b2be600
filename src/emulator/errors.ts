/**
 * ECS error vocabulary. Codes, HTTP statuses and messages follow the ECS 2014-05-26 API reference
 * (docs/multi-attach-facts.md). Entries marked "emulator choice" have no documented real code; the
 * emulator picks one so that the bot can still branch on a stable code.
 */
const CATALOGUE = {
  // Transport and authentication.
  MissingParameter: [
    400,
    'The input parameter that is mandatory for processing this request is not supplied.',
  ],
  InvalidParameter: [400, 'The specified parameter is not valid.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  SignatureDoesNotMatch: [
    400,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  ],
  SignatureNonceUsed: [400, 'The request signature nonce has been used.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidAction.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  // STS temporary credentials and AssumeRole (the STS AssumeRole error table and the codes ECS answers
  // for a bad SecurityToken). A wrong ExternalId fails the role's trust policy: NoPermission.
  MissingSecurityToken: [400, 'SecurityToken is mandatory for this action.'],
  'InvalidSecurityToken.Expired': [400, 'Specified SecurityToken is expired.'],
  'InvalidSecurityToken.Malformed': [400, 'Specified SecurityToken is malformed.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [400, 'Specified SecurityToken mismatch with the AccessKey.'],
  'InvalidParameter.RoleSessionName': [400, 'The parameter RoleSessionName is wrongly formed.'],
  'InvalidParameter.DurationSeconds': [400, 'The Min/Max value of DurationSeconds is 15min/1hr.'],
  'EntityNotExist.Role': [404, 'The specified Role not exists.'],
  NoPermission: [403, 'No permission perform sts:AssumeRole on this Role.'],
  // RAM: the call is outside the caller's policy (body carries AccessDeniedDetail).
  'Forbidden.RAM': [
    403,
    "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
  ],
  'InvalidRegionId.NotFound': [404, 'The specified RegionId does not exist.'],
  'InvalidZoneId.NotFound': [404, 'The specified zone does not exist.'],
  // Faults.
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  InternalError: [500, 'The request processing has failed due to some unknown error, exception or failure.'],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  // Resources.
  'InvalidDiskId.NotFound': [404, 'The specified disk does not exist.'],
  'InvalidInstanceId.NotFound': [404, 'The specified InstanceId does not exist.'],
  IdempotentParameterMismatch: [403, 'The specified parameters are different from before.'],
  // CreateDisk.
  'InvalidDiskCategory.NotSupported': [403, 'The specified disk category is not supported.'],
  'InvalidParameter.MultiAttach': [403, 'The specified param MultiAttach is not valid.'],
  'InvalidParameter.MultiAttachAndInstanceIdConflict': [
    403,
    'The parameter MultiAttach and InstanceId are conflict.',
  ],
  'InvalidParameter.DiskCategoryAndMultiAttachNotMatch': [
    403,
    'The specified disk category does not support multi attach enabled.',
  ],
  'OperationDenied.ZoneNotSupportMultiAttachDisk': [
    403,
    'The specified zone does not support multi attach disk.',
  ],
  'InvalidDiskSize.NotSupported': [403, 'The specified disk size is not supported.'],
  'InvalidDiskSize.TooSmall': [403, 'The new size must be larger than the current size of the disk.'],
  'InvalidPerformanceLevel.Malformed': [400, 'The specified parameter PerformanceLevel is not valid.'],
  // AttachDisk / DetachDisk.
  DiskAttachedNumberExceeded: [403, 'The attaching times of the specified disk exceeded.'],
  'InvalidOperation.CanNotAttachMultiAttachDiskAsSystemDisk': [
    403,
    'Multi attach disk can not be attached as system disk.',
  ],
  ResourcesNotInSameZone: [403, 'The specified instance and disk are not in the same zone.'],
  'InvalidInstanceType.NotSupportMultiAttachDisk': [
    403,
    'The instanceType of the specified instance does not support multi attach disk.',
  ],
  // Emulator choice: real ECS refuses to launch such an instance, so no attach-time code is documented.
  'InvalidImage.NvmeUnsupported': [
    403,
    'The image of the specified instance does not support nvme protocol.',
  ],
  IncorrectInstanceStatus: [400, 'The current status of the resource does not support this operation.'],
  'DeleteWithInstance.Conflict': [403, 'Multi attach disk cannot be set to DeleteWithInstance attribute.'],
  InstanceDiskLimitExceeded: [403, 'The amount of the disk on instance in question reach its limits.'],
  IncorrectDiskStatus: [403, 'The current disk status does not support this operation.'],
  'InvalidDisk.InUse': [404, 'The specified disk has been occupied.'],
  DependencyViolation: [403, 'The specified disk has not been attached on the specified instance.'],
  'InvalidDisk.AlreadyDetached': [404, 'The specified disk has been detached.'],
  // Cloud Assistant commands.
  'InvalidCommandId.NotFound': [404, 'The specified command ID does not exist.'],
  // DeleteDisk / ResizeDisk / CreateSnapshot. DiskCreatingSnapshot is DeleteDisk's documented code;
  // the emulator also answers it for ResizeDisk and a second CreateSnapshot (emulator choice).
  DiskCreatingSnapshot: [403, 'A snapshot of the specified disk is being created.'],
  'InvalidSnapshotName.Malformed': [
    400,
    'The snapshot name must be 2 to 128 characters long and cannot start with auto, http:// or https://.',
  ],
  'InvalidRetentionDays.Malformed': [400, 'The specified RetentionDays must be from 1 to 65536.'],
  // Emulator choice: the documented limit (256 manual snapshots per disk) without a documented code.
  'QuotaExceed.Snapshot': [403, 'The disk already has the maximum number of manual snapshots (256).'],
  'InvalidSnapshotId.NotFound': [404, 'The specified snapshot does not exist.'],
  // Emulator choice: a snapshot still being created cannot be deleted.
  IncorrectSnapshotStatus: [403, 'The snapshot is still being created.'],
  'InvalidOperation.MultiAttachDiskNotSupportResizeOnline': [
    403,
    'Multi attach disk does not support online resize; stop every attached instance and resize offline.',
  ],
  // Cloud Assistant (RunCommand): the CreateCommand/InvokeCommand error tables. A custom name in the
  // reserved acs:: namespace is refused as an invalid name (emulator choice of code).
  'InstanceIds.ExceedLimit': [403, 'The number of instance IDs exceeds the upper limit.'],
  'CmdParam.EmptyKey': [400, 'You must specify the parameter names.'],
  'CmdParam.InvalidParamName': [
    400,
    'Invalid parameter name. The name can contain only lowercase letters (a to z), uppercase letters (A to Z), numbers (0 to 9), hyphens (-), and underscores (_).',
  ],
  'CmdParamCount.ExceedLimit': [403, 'The maximum number of custom parameters is exceeded.'],
  'CmdParamName.ExceedLimit': [403, 'The maximum length of a parameter name is exceeded.'],
  'CmdContent.ExceedLimit': [403, 'The length of the command content exceeds the upper limit.'],
} as const satisfies Record<string, readonly [number, string]>;

export type EcsErrorCode = keyof typeof CATALOGUE;

/** A business or protocol failure, answered as `{RequestId, HostId, Code, Message, Recommend}`. */
export class EcsError extends Error {
  readonly code: EcsErrorCode;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra fields of the error body (`AccessDeniedDetail` of Forbidden.RAM). */
  readonly body: Readonly<Record<string, unknown>>;

  /** `status` overrides the catalogue where one code has two statuses (IncorrectInstanceStatus: 403 on detach). */
  constructor(
    code: EcsErrorCode,
    message?: string,
    options: { status?: number; headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    const [status, defaultMessage] = CATALOGUE[code];
    super(message ?? defaultMessage);
    this.name = 'EcsError';
    this.code = code;
    this.status = options.status ?? status;
    this.headers = options.headers ?? {};
    this.body = options.body ?? {};
  }
}

export const missing = (name: string): EcsError =>
  new EcsError(
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );

export const invalid = (name: string, why: string): EcsError =>
  new EcsError('InvalidParameter', `The specified parameter "${name}" is not valid: ${why}`);
