/**
 * Alibaba Cloud's public ECS regions, to catch typos such as `cn-hangzou` with a "did you mean".
 * A region not listed here and not close to one is accepted: the cloud may have added it since.
 */
import { suggest } from './format.js';

export const KNOWN_REGIONS = [
  'cn-hangzhou',
  'cn-shanghai',
  'cn-qingdao',
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-huhehaote',
  'cn-wulanchabu',
  'cn-shenzhen',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-chengdu',
  'cn-nanjing',
  'cn-fuzhou',
  'cn-wuhan-lr',
  'cn-hongkong',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'us-east-1',
  'us-west-1',
  'na-south-1',
  'eu-west-1',
  'eu-central-1',
  'me-east-1',
  'me-central-1',
] as const;

const isKnown = (region: string): boolean => (KNOWN_REGIONS as readonly string[]).includes(region);

/** Closest known region to a mistyped one (within two edits); undefined for a known or far-off id. */
export function regionTypo(region: string): string | undefined {
  if (isKnown(region)) return undefined;
  // `suggest` also takes prefixes; a region is a full id, so only an edit distance counts here.
  const hint = suggest(region, KNOWN_REGIONS);
  return hint !== undefined && !hint.startsWith(region) ? hint : undefined;
}

/**
 * A zone is its region plus a letter (`cn-hangzhou-i`, `ap-southeast-1a`). When the region part is
 * a typo of a known region, the zone with the corrected region; otherwise undefined.
 */
export function zoneTypo(zone: string): string | undefined {
  const match = /^(.*?)(-?[a-z])$/.exec(zone);
  if (!match) return undefined;
  const [, region = '', suffix = ''] = match;
  if (isKnown(region)) return undefined;
  const hint = regionTypo(region);
  return hint === undefined ? undefined : `${hint}${suffix}`;
}
