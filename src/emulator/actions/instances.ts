/** DescribeInstances, StopInstance, StartInstance, and the status changes the admin API shares. */
import { EcsError } from '../errors.js';
import { type Instance, type InstanceStatus, iso, mountKey, rebootGuest, type World } from '../world.js';
import { type ActionHandler, findOr404, paginate, requireRegion } from './common.js';

/**
 * A stop loses every mount (the guest shuts down) and clears a hang; a start clears a hang too and
 * boots the guest, which then sees every disk at its real size (a missed resize included).
 */
export function settleInstanceStatus(world: World, instance: Instance, status: InstanceStatus): void {
  instance.status = status;
  instance.generation += 1;
  if (status === 'Stopped' || status === 'Running') instance.crashed = false;
  if (status === 'Running') rebootGuest(world, instance.instanceId);
  if (status !== 'Stopped') return;
  for (const d of world.disks.values()) world.mounts.delete(mountKey(instance.instanceId, d.diskId));
}

function transition(
  world: World,
  instance: Instance,
  via: InstanceStatus,
  to: InstanceStatus,
  kind: 'start' | 'stop',
) {
  settleInstanceStatus(world, instance, via);
  const generation = instance.generation;
  world.at(world.now() + world.delay(kind), () => {
    if (instance.generation === generation) settleInstanceStatus(world, instance, to);
  });
}

const stopInstance: ActionHandler = ({ params, world }) => {
  const instance = findOr404(world.instances, params.required('InstanceId'), 'InvalidInstanceId.NotFound');
  if (instance.status !== 'Running') {
    throw new EcsError('IncorrectInstanceStatus', `The instance is ${instance.status}; it must be Running.`, {
      status: 403,
    });
  }
  transition(world, instance, 'Stopping', 'Stopped', 'stop');
  return {};
};

const startInstance: ActionHandler = ({ params, world }) => {
  const instance = findOr404(world.instances, params.required('InstanceId'), 'InvalidInstanceId.NotFound');
  if (instance.status !== 'Stopped') {
    throw new EcsError('IncorrectInstanceStatus', `The instance is ${instance.status}; it must be Stopped.`, {
      status: 403,
    });
  }
  transition(world, instance, 'Starting', 'Running', 'start');
  return {};
};

function instanceView(i: Instance, world: World): Record<string, unknown> {
  const type = world.instanceTypes.get(i.instanceType);
  const image = world.images.get(i.imageId);
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    HostName: i.instanceName,
    Description: '',
    RegionId: world.regionId,
    ZoneId: i.zoneId,
    InstanceType: i.instanceType,
    InstanceTypeFamily: type?.family ?? '',
    Cpu: type?.cpuCoreCount ?? 0,
    Memory: (type?.memoryGiB ?? 0) * 1024,
    ImageId: i.imageId,
    OSName: image?.osName ?? '',
    OSNameEn: image?.imageName ?? '',
    OSType: 'linux',
    Status: i.status,
    CreationTime: iso(i.creationTime),
    StartTime: iso(i.creationTime),
    ExpiredTime: '2099-12-31T15:59Z',
    InstanceChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    InstanceNetworkType: 'vpc',
    IoOptimized: true,
    DeviceAvailable: true,
    SerialNumber: i.instanceId.replace(/^i-/, ''),
    StoppedMode: i.status === 'Stopped' ? 'KeepCharging' : 'Not-applicable',
    ImageOptions: { CurrentOSNVMeSupported: image?.nvmeSupport === 'supported', LoginAsNonRoot: false },
    VpcAttributes: {
      VpcId: 'vpc-bp1emulator0000000001',
      VSwitchId: `vsw-bp1${i.zoneId.slice(-1)}emulator00000001`,
      NatIpAddress: '',
      PrivateIpAddress: { IpAddress: [i.privateIp] },
    },
    PublicIpAddress: { IpAddress: [] },
    InnerIpAddress: { IpAddress: [] },
    RdmaIpAddress: { IpAddress: [] },
    SecurityGroupIds: { SecurityGroupId: ['sg-bp1emulator0000000001'] },
    OperationLocks: { LockReason: [] },
    Tags: { Tag: (i.tags ?? []).map((t) => ({ TagKey: t.key, TagValue: t.value })) },
    NetworkInterfaces: { NetworkInterface: [] },
  };
}

const describeInstances: ActionHandler = ({ params: p, world }) => {
  requireRegion({ params: p, world });
  const ids = p.jsonStrings('InstanceIds');
  const zoneId = p.str('ZoneId');
  const status = p.oneOf(
    'Status',
    ['Pending', 'Running', 'Starting', 'Stopping', 'Stopped'] as const,
    'Running',
  );
  const filterStatus = p.str('Status') !== undefined;
  const name = p.str('InstanceName');
  const type = p.str('InstanceType');
  const matches = [...world.instances.values()].filter(
    (i) =>
      (ids === undefined || ids.includes(i.instanceId)) &&
      (zoneId === undefined || i.zoneId === zoneId) &&
      (!filterStatus || i.status === status) &&
      (name === undefined || i.instanceName === name) &&
      (type === undefined || i.instanceType === type),
  );
  const page = paginate(matches, p, { defaultSize: 10, maxPageSize: 100, maxResults: 100 });
  return { ...page.meta, Instances: { Instance: page.items.map((i) => instanceView(i, world)) } };
};

export const instanceActions: Record<string, ActionHandler> = {
  DescribeInstances: describeInstances,
  StopInstance: stopInstance,
  StartInstance: startInstance,
};
