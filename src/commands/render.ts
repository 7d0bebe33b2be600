/**
 * The canonical text of a command (without the leading `/disk`): what the bot echoes on cards and
 * in audit lines, and what `parseDiskCommand` reads back to the same command. A request kind's
 * command is rendered by its grammar.
 */

import { isKindCommand, renderKindCommand } from '../kinds/kinds.js';
import { flagWords } from './canonical.js';
import { quoteValue } from './tokenize.js';
import type { DiskCommand, OtherCommand } from './types.js';

const unrendered = (command: never): never => {
  throw new Error(`no canonical text for ${JSON.stringify(command)}`);
};

function renderOther(command: OtherCommand): readonly string[] {
  switch (command.kind) {
    case 'help':
      return ['help', ...(command.topic ? [command.topic] : [])];
    case 'status':
      return ['status', quoteValue(command.diskId)];
    case 'list':
      return ['list', ...flagWords('zone', command.zoneId), ...flagWords('region', command.regionId)];
    case 'requests':
      return ['requests', `--${command.filter}`];
    case 'cancel':
      return ['cancel', command.requestId];
    case 'watch':
      return command.list
        ? ['watch', '--list']
        : ['watch', command.diskId, ...flagWords('channel', command.channelId)];
    case 'unwatch':
      return ['unwatch', command.diskId];
    case 'freeze':
      return ['freeze', ...flagWords('reason', command.reason)];
    default:
      // A command added to `OtherCommand` without its canonical text does not compile.
      return unrendered(command);
  }
}

export function renderDiskCommand(command: DiskCommand): string {
  return (isKindCommand(command) ? renderKindCommand(command) : renderOther(command)).join(' ');
}
