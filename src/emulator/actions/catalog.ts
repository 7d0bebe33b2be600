/** Read-only catalogue: DescribeInstanceTypes, DescribeImages, DescribeZones, DescribeRegions. */
import { iso } from '../world.js';
import { type ActionHandler, paginate, requireRegion } from './common.js';

const IMAGE_CREATED = Date.parse('2025-01-17T00:00:00Z');

const describeInstanceTypes: ActionHandler = ({ params: p, world }) => {
  const wanted = p.list('InstanceTypes');
  const nvme = p.str('NvmeSupport');
  const matches = [...world.instanceTypes.values()].filter(
    (t) =>
      (wanted.length === 0 || wanted.includes(t.instanceTypeId)) &&
      (nvme === undefined || t.nvmeSupport === nvme),
  );
  const page = paginate(matches, p, { defaultSize: 100, maxPageSize: 1600, maxResults: 1600 });
  return {
    NextToken: page.meta.NextToken,
    InstanceTypes: {
      InstanceType: page.items.map((t) => ({
        InstanceTypeId: t.instanceTypeId,
        InstanceTypeFamily: t.family,
        InstanceCategory: 'General-purpose',
        InstanceFamilyLevel: 'EnterpriseLevel',
        CpuArchitecture: 'X86',
        CpuCoreCount: t.cpuCoreCount,
        MemorySize: t.memoryGiB,
        DiskQuantity: t.diskQuantity,
        NvmeSupport: t.nvmeSupport,
        EniQuantity: 3,
        GPUAmount: 0,
        GPUSpec: '',
        LocalStorageCategory: '',
        SupportedBootModes: { SupportedBootMode: ['BIOS', 'UEFI'] },
      })),
    },
  };
};

const describeImages: ActionHandler = ({ params: p, world }) => {
  requireRegion({ params: p, world });
  const ids = p
    .str('ImageId')
    ?.split(',')
    .map((s) => s.trim());
  const name = p.str('ImageName');
  const matches = [...world.images.values()].filter(
    (i) => (ids === undefined || ids.includes(i.imageId)) && (name === undefined || i.imageName === name),
  );
  const page = paginate(matches, p, { defaultSize: 10, maxPageSize: 100, maxResults: 100 });
  return {
    RegionId: world.regionId,
    TotalCount: page.meta.TotalCount,
    PageNumber: page.meta.PageNumber,
    PageSize: page.meta.PageSize,
    Images: {
      Image: page.items.map((i) => ({
        ImageId: i.imageId,
        ImageName: i.imageName,
        ImageFamily: '',
        ImageVersion: '',
        Description: '',
        OSName: i.osName,
        OSNameEn: i.imageName,
        OSType: 'linux',
        Platform: i.imageName.split(' ')[0] ?? 'Linux',
        Architecture: 'x86_64',
        BootMode: 'BIOS',
        Status: 'Available',
        Usage: 'instance',
        Progress: '100%',
        Size: 20,
        IsPublic: true,
        IsCopied: false,
        IsSelfShared: '',
        IsSubscribed: false,
        IsSupportCloudinit: true,
        IsSupportIoOptimized: true,
        CreationTime: iso(IMAGE_CREATED),
        Features: { NvmeSupport: i.nvmeSupport, ImdsSupport: 'v2' },
        DiskDeviceMappings: {
          DiskDeviceMapping: [{ Device: '/dev/xvda', Size: '20', Type: 'system', SnapshotId: '' }],
        },
        Tags: { Tag: [] },
      })),
    },
  };
};

const describeZones: ActionHandler = ({ params: p, world }) => {
  requireRegion({ params: p, world });
  return {
    Zones: {
      Zone: [...world.zones.values()].map((z) => ({
        ZoneId: z.zoneId,
        LocalName: z.localName,
        ZoneType: 'AvailabilityZone',
        AvailableDiskCategories: { DiskCategories: z.diskCategories },
        AvailableVolumeCategories: { VolumeCategories: z.diskCategories },
        AvailableInstanceTypes: { InstanceTypes: z.instanceTypes },
        AvailableResourceCreation: { ResourceTypes: ['VSwitch', 'IoOptimized', 'Instance', 'Disk'] },
        AvailableResources: { ResourcesInfo: [] },
        AvailableDedicatedHostTypes: { DedicatedHostType: [] },
        DedicatedHostGenerations: { DedicatedHostGeneration: [] },
      })),
    },
  };
};

const describeRegions: ActionHandler = ({ world }) => ({
  Regions: {
    Region: [
      {
        RegionId: world.regionId,
        LocalName: '华东1（杭州）',
        RegionEndpoint: 'ecs.cn-hangzhou.aliyuncs.com',
        Status: 'available',
      },
    ],
  },
});

export const catalogActions: Record<string, ActionHandler> = {
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeImages: describeImages,
  DescribeZones: describeZones,
  DescribeRegions: describeRegions,
};
