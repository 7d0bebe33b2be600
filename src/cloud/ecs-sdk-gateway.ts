import Credentials from '@alicloud/credentials';
import Ecs, * as models from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import type { SdkCredential } from './account-credentials.js';
import { type CommandApi, CommandRegistry, MANAGED_TAG, type RegisteredCommand } from './command-registry.js';
import { EcsSdkLifecycle } from './ecs-sdk-lifecycle.js';
import { chunks, str, toDisk } from './ecs-sdk-mapping.js';
import { CloudError, cloudErrorFrom } from './errors.js';
import type {
  CreateSnapshotInput,
  DiskInfo,
  EcsGateway,
  ImageInfo,
  InstanceInfo,
  InstanceTypeInfo,
  InvocationResult,
  ResizeDiskInput,
  RunCommandInput,
} from './gateway.js';

export interface EcsSdkGatewayOptions {
  readonly regionId: string;
  /** `host[:port]` without a scheme (the SDK's rule); the emulator in tests and the sandbox. */
  readonly endpoint?: string;
  readonly protocol?: 'http' | 'https';
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly securityToken?: string;
  /** Signs instead of the keys: an assumed role's credential (account-credentials.ts). */
  readonly credential?: SdkCredential;
  /**
   * Per-call budget. The SDK's connect timeout doubles as the socket idle timeout, so both are
   * set together; ECS answers async operations at once, so 10 s only ever trips on a sick network.
   */
  readonly timeoutMs?: number;
}

const DESCRIBE_BATCH = 100;
/** DescribeInvocationResults returns at most 50 rows per page. */
const INVOCATION_PAGE = 50;
/** DescribeInstanceTypes takes at most 10 `InstanceTypes.N` per call. */
const INSTANCE_TYPES_BATCH = 10;

/**
 * The SDK packages are CommonJS with `exports.default`. Node's ESM loader hands us `module.exports`
 * (so the class is `.default`), while vitest and bundlers already unwrap `.default`; accept both.
 */
function cjsDefault<T>(mod: { default: T }): T {
  const inner = (mod as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : mod) as T;
}
const EcsClient = cjsDefault(Ecs);
const Credential = cjsDefault(Credentials);

/** The ECS gateway on the official SDK: SDK types and errors never leave this module. */
export class EcsSdkGateway implements EcsGateway, CommandApi {
  private readonly client: InstanceType<typeof EcsClient>;
  private readonly runtime: RuntimeOptions;
  /** The bot's scripts as registered commands: `runCommand` invokes them, never `RunCommand`. */
  readonly commands = new CommandRegistry(this);
  /** ResizeDisk, the snapshot calls and DeleteDisk (a module of their own). */
  private readonly lifecycle: EcsSdkLifecycle;

  constructor(options: EcsSdkGatewayOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    const keys = options.credential
      ? { credential: options.credential }
      : options.accessKeyId && options.accessKeySecret
        ? {
            accessKeyId: options.accessKeyId,
            accessKeySecret: options.accessKeySecret,
            ...(options.securityToken ? { securityToken: options.securityToken } : {}),
          }
        : { credential: new Credential() };
    this.client = new EcsClient(
      new $OpenApiUtil.Config({
        ...keys,
        regionId: options.regionId,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.protocol ? { protocol: options.protocol } : {}),
        readTimeout: timeout,
        connectTimeout: timeout,
      }),
    );
    this.runtime = new RuntimeOptions({ readTimeout: timeout, connectTimeout: timeout });
    this.lifecycle = new EcsSdkLifecycle(this.client, this.runtime, (action, run) => this.call(action, run));
  }

  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw cloudErrorFrom(error, action);
    }
  }

  async describeDisks(query: {
    regionId: string;
    diskIds?: readonly string[];
    zoneId?: string;
    multiAttach?: boolean;
    dataOnly?: boolean;
    diskName?: string;
  }): Promise<DiskInfo[]> {
    const idBatches = query.diskIds ? chunks(query.diskIds, DESCRIBE_BATCH) : [undefined];
    const out: DiskInfo[] = [];
    for (const ids of idBatches) {
      if (ids && ids.length === 0) continue;
      let nextToken: string | undefined;
      do {
        const request = new models.DescribeDisksRequest({
          regionId: query.regionId,
          ...(ids ? { diskIds: JSON.stringify(ids) } : {}),
          ...(query.zoneId ? { zoneId: query.zoneId } : {}),
          ...(query.dataOnly ? { diskType: 'data' } : {}),
          ...(query.diskName ? { diskName: query.diskName } : {}),
          ...(query.multiAttach === undefined
            ? {}
            : { multiAttach: query.multiAttach ? 'Enabled' : 'Disabled' }),
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        });
        const response = await this.call('DescribeDisks', () =>
          this.client.describeDisksWithOptions(request, this.runtime),
        );
        out.push(...(response.body?.disks?.disk ?? []).map(toDisk));
        nextToken = response.body?.nextToken || undefined;
      } while (nextToken);
    }
    return out;
  }

  async describeInstances(query: Parameters<EcsGateway['describeInstances']>[0]): Promise<InstanceInfo[]> {
    const filters = {
      regionId: query.regionId,
      ...(query.zoneId ? { zoneId: query.zoneId } : {}),
      ...(query.instanceName ? { instanceName: query.instanceName } : {}),
      ...(query.status ? { status: query.status } : {}),
    };
    const idBatches = query.instanceIds ? chunks(query.instanceIds, DESCRIBE_BATCH) : [undefined];
    const out: InstanceInfo[] = [];
    for (const ids of idBatches) {
      if (ids && ids.length === 0) continue;
      let nextToken: string | undefined;
      do {
        const request = new models.DescribeInstancesRequest({
          ...filters,
          ...(ids ? { instanceIds: JSON.stringify(ids) } : {}),
          maxResults: 100,
          ...(nextToken ? { nextToken } : {}),
        });
        const response = await this.call('DescribeInstances', () =>
          this.client.describeInstancesWithOptions(request, this.runtime),
        );
        for (const instance of response.body?.instances?.instance ?? []) {
          out.push({
            instanceId: str(instance.instanceId),
            instanceName: str(instance.instanceName),
            status: str(instance.status),
            zoneId: str(instance.zoneId),
            instanceType: str(instance.instanceType),
            imageId: str(instance.imageId),
            ...(instance.vpcAttributes?.privateIpAddress?.ipAddress?.[0]
              ? { privateIp: instance.vpcAttributes.privateIpAddress.ipAddress[0] }
              : {}),
          });
        }
        nextToken = response.body?.nextToken || undefined;
      } while (nextToken);
    }
    return out;
  }

  async describeInstanceTypes(instanceTypeIds: readonly string[]): Promise<InstanceTypeInfo[]> {
    const out: InstanceTypeInfo[] = [];
    for (const ids of chunks(instanceTypeIds, INSTANCE_TYPES_BATCH)) {
      const request = new models.DescribeInstanceTypesRequest({ instanceTypes: ids, maxResults: 100 });
      const response = await this.call('DescribeInstanceTypes', () =>
        this.client.describeInstanceTypesWithOptions(request, this.runtime),
      );
      for (const t of response.body?.instanceTypes?.instanceType ?? []) {
        out.push({
          instanceTypeId: str(t.instanceTypeId),
          nvmeSupport: str(t.nvmeSupport),
          diskQuantity: Number(t.diskQuantity ?? 0),
        });
      }
    }
    return out;
  }

  async describeImages(query: { regionId: string; imageIds: readonly string[] }): Promise<ImageInfo[]> {
    const out: ImageInfo[] = [];
    for (const ids of chunks(query.imageIds, DESCRIBE_BATCH)) {
      const request = new models.DescribeImagesRequest({
        regionId: query.regionId,
        imageId: ids.join(','),
        pageSize: 100,
      });
      const response = await this.call('DescribeImages', () =>
        this.client.describeImagesWithOptions(request, this.runtime),
      );
      for (const image of response.body?.images?.image ?? []) {
        out.push({ imageId: str(image.imageId), nvmeSupport: str(image.features?.nvmeSupport) });
      }
    }
    return out;
  }

  async createDisk(input: Parameters<EcsGateway['createDisk']>[0]) {
    const request = new models.CreateDiskRequest({
      regionId: input.regionId,
      ...(input.zoneId ? { zoneId: input.zoneId } : {}),
      diskName: input.diskName,
      diskCategory: input.category,
      ...(input.performanceLevel ? { performanceLevel: input.performanceLevel } : {}),
      size: input.sizeGiB,
      multiAttach: 'Enabled',
      ...(input.provisionedIops === undefined ? {} : { provisionedIops: input.provisionedIops }),
      ...(input.burstingEnabled === undefined ? {} : { burstingEnabled: input.burstingEnabled }),
      ...(input.description ? { description: input.description } : {}),
      // Every disk the bot creates carries the managed tag: the RAM policy lets it create and
      // attach only such disks (README, Security).
      tag: [...(input.tags ?? []).filter((t) => t.key !== MANAGED_TAG.key), MANAGED_TAG].map(
        (t) => new models.CreateDiskRequestTag({ key: t.key, value: t.value }),
      ),
      clientToken: input.clientToken,
    });
    const response = await this.call('CreateDisk', () =>
      this.client.createDiskWithOptions(request, this.runtime),
    );
    return { value: { diskId: str(response.body?.diskId) }, requestId: str(response.body?.requestId) };
  }

  async attachDisk(input: { diskId: string; instanceId: string }) {
    // DeleteWithInstance is left out on purpose: multi-attach disks refuse it (DeleteWithInstance.Conflict).
    const request = new models.AttachDiskRequest({ diskId: input.diskId, instanceId: input.instanceId });
    const response = await this.call('AttachDisk', () =>
      this.client.attachDiskWithOptions(request, this.runtime),
    );
    return { value: undefined, requestId: str(response.body?.requestId) };
  }

  async detachDisk(input: { diskId: string; instanceId: string }) {
    const request = new models.DetachDiskRequest({ diskId: input.diskId, instanceId: input.instanceId });
    const response = await this.call('DetachDisk', () =>
      this.client.detachDiskWithOptions(request, this.runtime),
    );
    return { value: undefined, requestId: str(response.body?.requestId) };
  }

  resizeDisk(input: ResizeDiskInput) {
    return this.lifecycle.resizeDisk(input);
  }
  createSnapshot(input: CreateSnapshotInput) {
    return this.lifecycle.createSnapshot(input);
  }
  describeSnapshots(query: Parameters<EcsGateway['describeSnapshots']>[0]) {
    return this.lifecycle.describeSnapshots(query);
  }
  deleteSnapshot(input: { snapshotId: string }) {
    return this.lifecycle.deleteSnapshot(input);
  }
  deleteDisk(input: { diskId: string }) {
    return this.lifecycle.deleteDisk(input);
  }

  /** Runs a script as its registered command (created on first use): `InvokeCommand`, not `RunCommand`. */
  async runCommand(input: RunCommandInput) {
    const invoke = async () => {
      const commandId = await this.commands.ensure(input.regionId, input.script, input.timeoutSec);
      const request = new models.InvokeCommandRequest({
        regionId: input.regionId,
        commandId,
        instanceId: [...input.instanceIds],
        parameters: { ...input.parameters },
        timeout: input.timeoutSec,
        ...(input.clientToken ? { clientToken: input.clientToken } : {}),
      });
      return this.call('InvokeCommand', () => this.client.invokeCommandWithOptions(request, this.runtime));
    };
    let response: models.InvokeCommandResponse;
    try {
      response = await invoke();
    } catch (error) {
      // Someone cleaned the command up under us: create it again, once.
      if (!(error instanceof CloudError) || error.cloudCode !== 'InvalidCommandId.NotFound') throw error;
      this.commands.forget(input.regionId, input.script);
      response = await invoke();
    }
    return { value: { invokeId: str(response.body?.invokeId) }, requestId: str(response.body?.requestId) };
  }

  async describeCommands(query: { regionId: string; name?: string }): Promise<RegisteredCommand[]> {
    const out: RegisteredCommand[] = [];
    let nextToken: string | undefined;
    do {
      const request = new models.DescribeCommandsRequest({
        regionId: query.regionId,
        type: 'RunShellScript',
        maxResults: 50,
        ...(query.name ? { name: query.name } : {}),
        ...(nextToken ? { nextToken } : {}),
      });
      const response = await this.call('DescribeCommands', () =>
        this.client.describeCommandsWithOptions(request, this.runtime),
      );
      for (const c of response.body?.commands?.command ?? []) {
        out.push({
          commandId: str(c.commandId),
          name: str(c.name),
          script: Buffer.from(str(c.commandContent), 'base64').toString('utf8'),
          invokeTimes: Number(c.invokeTimes ?? 0),
        });
      }
      nextToken = response.body?.nextToken || undefined;
    } while (nextToken);
    return out;
  }

  async createCommand(input: {
    regionId: string;
    name: string;
    script: string;
    timeoutSec: number;
    description: string;
  }) {
    const request = new models.CreateCommandRequest({
      regionId: input.regionId,
      name: input.name,
      description: input.description,
      type: 'RunShellScript',
      commandContent: Buffer.from(input.script).toString('base64'),
      contentEncoding: 'Base64',
      enableParameter: true,
      timeout: input.timeoutSec,
    });
    const response = await this.call('CreateCommand', () =>
      this.client.createCommandWithOptions(request, this.runtime),
    );
    return str(response.body?.commandId);
  }

  async deleteCommand(query: { regionId: string; commandId: string }): Promise<void> {
    const request = new models.DeleteCommandRequest({ regionId: query.regionId, commandId: query.commandId });
    await this.call('DeleteCommand', () => this.client.deleteCommandWithOptions(request, this.runtime));
  }

  async describeInvocationResults(query: {
    regionId: string;
    invokeId: string;
  }): Promise<InvocationResult[]> {
    const out: InvocationResult[] = [];
    let nextToken: string | undefined;
    do {
      const request = new models.DescribeInvocationResultsRequest({
        regionId: query.regionId,
        invokeId: query.invokeId,
        // Output is Base64 by default; decoding here keeps the port free of encodings.
        contentEncoding: 'Base64',
        maxResults: INVOCATION_PAGE,
        ...(nextToken ? { nextToken } : {}),
      });
      const response = await this.call('DescribeInvocationResults', () =>
        this.client.describeInvocationResultsWithOptions(request, this.runtime),
      );
      const page = response.body?.invocation;
      for (const r of page?.invocationResults?.invocationResult ?? []) {
        out.push({
          instanceId: str(r.instanceId),
          status: str(r.invocationStatus),
          exitCode: typeof r.exitCode === 'number' ? r.exitCode : null,
          output: Buffer.from(str(r.output), 'base64').toString('utf8'),
          dropped: Number(r.dropped ?? 0),
          errorCode: str(r.errorCode),
          errorInfo: str(r.errorInfo),
        });
      }
      nextToken = page?.nextToken || undefined;
    } while (nextToken);
    return out;
  }
}
