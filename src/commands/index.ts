/** The `/disk` grammar: pure parsing, validation and usage text. Imports nothing from Slack, Redis or the cloud. */
export { parseDiskCommand } from './parse.js';
export { KNOWN_REGIONS, regionTypo, zoneTypo } from './regions.js';
export { renderDiskCommand } from './render.js';
export { DEFAULT_REQUEST_FILTER } from './schemas.js';
export { quoteValue, type Token, type TokenizeResult, tokenize } from './tokenize.js';
export {
  type CommandError,
  type DiskCommand,
  type DiskCommandKind,
  type ParseResult,
  REQUEST_FILTERS,
  type RequestFilter,
  SUBCOMMANDS,
  type Subcommand,
} from './types.js';
export { SUBCOMMAND_EXAMPLES, SUBCOMMAND_NOTES, SUBCOMMAND_SUMMARIES, usageFor } from './usage.js';
export {
  CHANNEL_REF_PATTERN,
  COMMAND_ERROR_CODES,
  type CommandErrorCode,
  DISK_CATEGORIES,
  DISK_ID_PATTERN,
  DISK_NAME_PATTERN,
  type DiskCategory,
  INSTANCE_ID_PATTERN,
  isDiskId,
  isInstanceId,
  LIMITS,
  MAX_ATTACHMENTS,
  MOUNTPOINT_PATTERN,
  type NameMap,
  PERFORMANCE_LEVELS,
  type PerformanceLevel,
  REGION_ID_PATTERN,
  REQUEST_ID_PATTERN,
  type Tag,
  ZONE_ID_PATTERN,
} from './vocabulary.js';
