/**
 * The canonical text of a command (without the leading `/disk`): what the bot echoes on cards and
 * in audit lines, and what `parseDiskCommand` reads back to the same command.
 */
import { quoteValue } from './tokenize.js';
import type { DiskCommand } from './types.js';

const CATEGORY_ALIAS = {
  cloud_essd: 'essd',
  cloud_auto: 'autopl',
  cloud_regional_disk_auto: 'regional',
} as const;

function flag(name: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [`--${name}`, quoteValue(String(value))];
}

const unrendered = (command: never): never => {
  throw new Error(`no canonical text for ${JSON.stringify(command)}`);
};

export function renderDiskCommand(command: DiskCommand): string {
  const parts: string[] = [];
  switch (command.kind) {
    case 'help':
      parts.push('help', ...(command.topic ? [command.topic] : []));
      break;
    case 'create_form':
      parts.push('create');
      break;
    case 'create':
      parts.push('create', quoteValue(command.name), '--size', String(command.sizeGiB));
      parts.push('--category', CATEGORY_ALIAS[command.category]);
      parts.push(...flag('pl', command.performanceLevel), ...flag('zone', command.zoneId));
      parts.push(...flag('region', command.regionId), ...flag('iops', command.provisionedIops));
      if (command.burstingEnabled) parts.push('--burst');
      if (command.allowDuplicateName) parts.push('--allow-duplicate-name');
      for (const tag of command.tags) parts.push('--tag', quoteValue(`${tag.key}=${tag.value}`));
      parts.push(...flag('reason', command.reason));
      break;
    case 'attach_form':
    case 'attach':
      parts.push('attach', quoteValue(command.diskId));
      if (command.kind === 'attach') parts.push(...command.instanceIds.map(quoteValue));
      if (command.allowSingleNodeFs) parts.push('--allow-single-node-fs');
      parts.push(...flag('reason', command.reason));
      break;
    case 'detach':
      parts.push('detach', quoteValue(command.diskId), ...command.instanceIds.map(quoteValue));
      if (command.force) parts.push('--force');
      parts.push(...flag('reason', command.reason));
      break;
    case 'status':
      parts.push('status', quoteValue(command.diskId));
      break;
    case 'list':
      parts.push('list', ...flag('zone', command.zoneId), ...flag('region', command.regionId));
      break;
    case 'failover':
      parts.push('failover', quoteValue(command.diskId));
      parts.push('--from', quoteValue(command.fromInstanceId), '--to', quoteValue(command.toInstanceId));
      parts.push(...flag('emergency', command.emergencyReason));
      break;
    case 'requests':
      parts.push('requests', `--${command.filter}`);
      break;
    case 'cancel':
      parts.push('cancel', command.requestId);
      break;
    case 'init':
      parts.push('init', command.diskId, '--fs', command.fs, ...flag('mount', command.mountpoint));
      parts.push(...flag('slots', command.slots), ...flag('label', command.label));
      parts.push(...flag('reason', command.reason));
      break;
    case 'watch':
      if (command.list) parts.push('watch', '--list');
      else parts.push('watch', command.diskId, ...flag('channel', command.channelId));
      break;
    case 'unwatch':
      parts.push('unwatch', command.diskId);
      break;
    case 'freeze':
      parts.push('freeze', ...flag('reason', command.reason));
      break;
    case 'unfreeze':
      parts.push('unfreeze', ...flag('reason', command.reason));
      break;
    default:
      // A command added to `DiskCommand` without its canonical text does not compile.
      return unrendered(command);
  }
  return parts.join(' ');
}
