/**
 * The rest of a disk's life on the official SDK: ResizeDisk, CreateSnapshot, DescribeSnapshots,
 * DeleteSnapshot and DeleteDisk. Part of the ECS adapter (`ecs-sdk-gateway.ts` delegates here and
 * lends its error mapping); SDK types never leave the two modules.
 */
import type EcsModule from '@alicloud/ecs20140526';
import * as models from '@alicloud/ecs20140526';
import type { RuntimeOptions } from '@darabonba/typescript';
import { MANAGED_TAG } from './command-registry.js';
import { str, toSnapshot } from './ecs-sdk-mapping.js';
import type { CreateSnapshotInput, ResizeDiskInput, SnapshotInfo, Traced } from './gateway.js';

/** DescribeSnapshots takes at most 100 ids in `SnapshotIds` and 100 rows per page. */
const SNAPSHOT_BATCH = 100;

type Client = InstanceType<typeof EcsModule.default>;
type Call = <T>(action: string, run: () => Promise<T>) => Promise<T>;

export class EcsSdkLifecycle {
  constructor(
    private readonly client: Client,
    private readonly runtime: RuntimeOptions,
    private readonly call: Call,
  ) {}

  async resizeDisk(input: ResizeDiskInput): Promise<Traced<void>> {
    const request = new models.ResizeDiskRequest({
      diskId: input.diskId,
      newSize: input.newSizeGiB,
      type: input.type,
      clientToken: input.clientToken,
    });
    const response = await this.call('ResizeDisk', () =>
      this.client.resizeDiskWithOptions(request, this.runtime),
    );
    return { value: undefined, requestId: str(response.body?.requestId) };
  }

  /** Every snapshot the bot takes carries the managed tag: the RAM policy deletes only those. */
  async createSnapshot(input: CreateSnapshotInput): Promise<Traced<{ snapshotId: string }>> {
    const request = new models.CreateSnapshotRequest({
      diskId: input.diskId,
      snapshotName: input.snapshotName,
      ...(input.description ? { description: input.description } : {}),
      ...(input.retentionDays === undefined ? {} : { retentionDays: input.retentionDays }),
      tag: [...(input.tags ?? []).filter((t) => t.key !== MANAGED_TAG.key), MANAGED_TAG].map(
        (t) => new models.CreateSnapshotRequestTag({ key: t.key, value: t.value }),
      ),
      clientToken: input.clientToken,
    });
    const response = await this.call('CreateSnapshot', () =>
      this.client.createSnapshotWithOptions(request, this.runtime),
    );
    return {
      value: { snapshotId: str(response.body?.snapshotId) },
      requestId: str(response.body?.requestId),
    };
  }

  async describeSnapshots(query: {
    regionId: string;
    diskId?: string;
    snapshotIds?: readonly string[];
  }): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    const batches: (readonly string[] | undefined)[] = [];
    if (query.snapshotIds === undefined) batches.push(undefined);
    else
      for (let i = 0; i < query.snapshotIds.length; i += SNAPSHOT_BATCH)
        batches.push(query.snapshotIds.slice(i, i + SNAPSHOT_BATCH));
    for (const ids of batches) {
      let nextToken: string | undefined;
      do {
        const request = new models.DescribeSnapshotsRequest({
          regionId: query.regionId,
          ...(query.diskId ? { diskId: query.diskId } : {}),
          ...(ids ? { snapshotIds: JSON.stringify(ids) } : {}),
          maxResults: SNAPSHOT_BATCH,
          ...(nextToken ? { nextToken } : {}),
        });
        const response = await this.call('DescribeSnapshots', () =>
          this.client.describeSnapshotsWithOptions(request, this.runtime),
        );
        out.push(...(response.body?.snapshots?.snapshot ?? []).map(toSnapshot));
        nextToken = response.body?.nextToken || undefined;
      } while (nextToken);
    }
    return out;
  }

  async deleteSnapshot(input: { snapshotId: string }): Promise<Traced<void>> {
    const request = new models.DeleteSnapshotRequest({ snapshotId: input.snapshotId });
    const response = await this.call('DeleteSnapshot', () =>
      this.client.deleteSnapshotWithOptions(request, this.runtime),
    );
    return { value: undefined, requestId: str(response.body?.requestId) };
  }

  async deleteDisk(input: { diskId: string }): Promise<Traced<void>> {
    const request = new models.DeleteDiskRequest({ diskId: input.diskId });
    const response = await this.call('DeleteDisk', () =>
      this.client.deleteDiskWithOptions(request, this.runtime),
    );
    return { value: undefined, requestId: str(response.body?.requestId) };
  }
}
