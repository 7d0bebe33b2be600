/**
 * What RAM authorizes for each emulated action: the resources a call touches, with their tags.
 * Resource types follow Alibaba's RAM authorization table for ECS: instance, disk and command
 * ARNs `acs:ecs:<region>:<account>:<type>/<id>`; actions without resource-level authorization
 * (the Describe* calls) authorize `*`.
 */
import type { Params } from './params.js';
import type { AuthRequest, AuthResource, Tag } from './ram.js';
import type { World } from './world.js';

/** The emulated account's id, as it appears in ARNs and in AccessDeniedDetail. */
export const EMULATOR_ACCOUNT_ID = '1000000000000000';

export function arn(
  regionId: string,
  type: 'instance' | 'disk' | 'command' | 'snapshot',
  id: string,
): string {
  return `acs:ecs:${regionId}:${EMULATOR_ACCOUNT_ID}:${type}/${id}`;
}

function instances(world: World, region: string, ids: readonly string[]): AuthResource[] {
  return ids.map((id) => ({ arn: arn(region, 'instance', id), tags: world.instances.get(id)?.tags ?? [] }));
}

function disk(world: World, region: string, id: string | undefined): AuthResource[] {
  return id === undefined ? [] : [{ arn: arn(region, 'disk', id), tags: world.disks.get(id)?.tags ?? [] }];
}

function requestTags(p: Params): Tag[] {
  return p.objects('Tag').flatMap((t) => (t.Key ? [{ key: t.Key, value: t.Value ?? '' }] : []));
}

/** Registered commands carry no tags in the emulator; only their id matters to RAM here. */
function command(region: string, id: string | undefined): AuthResource[] {
  return [{ arn: arn(region, 'command', id ?? '*'), tags: [] }];
}

export function authRequestFor(action: string, p: Params, world: World): AuthRequest {
  const region = p.str('RegionId') ?? world.regionId;
  const instanceIds =
    p.str('InstanceId') !== undefined ? [p.str('InstanceId') as string] : p.list('InstanceId');
  let resources: AuthResource[];
  switch (action) {
    case 'AttachDisk':
    case 'DetachDisk':
      resources = [...instances(world, region, instanceIds), ...disk(world, region, p.str('DiskId'))];
      break;
    case 'CreateDisk':
      resources = [{ arn: arn(region, 'disk', '*'), tags: [] }];
      break;
    case 'DeleteDisk':
    case 'ResizeDisk':
    case 'CreateSnapshot':
      resources = disk(world, region, p.str('DiskId'));
      break;
    case 'DeleteSnapshot': {
      const id = p.str('SnapshotId') ?? '*';
      resources = [{ arn: arn(region, 'snapshot', id), tags: world.snapshots.get(id)?.tags ?? [] }];
      break;
    }
    case 'RunCommand':
      resources = [...command(region, undefined), ...instances(world, region, instanceIds)];
      break;
    case 'InvokeCommand':
      resources = [...command(region, p.str('CommandId')), ...instances(world, region, instanceIds)];
      break;
    case 'CreateCommand':
      resources = command(region, undefined);
      break;
    case 'DeleteCommand':
      resources = command(region, p.str('CommandId'));
      break;
    default:
      resources = [{ arn: '*', tags: [] }];
  }
  return { action: `ecs:${action}`, resources, requestTags: requestTags(p) };
}
