/** Public surface of the ECS emulator (design.md §10). */
export type { CallRecord } from './calllog.js';
export {
  BUILTINS,
  checkCommand,
  MAX_CONTENT_BASE64_BYTES,
  MAX_INSTANCES,
  MAX_PARAMETERS,
  referencedNames,
  renderCommand,
  valuesFor,
} from './command-params.js';
export type { EcsErrorCode } from './errors.js';
export { type FaultConfig, type FaultRule, MAX_ADDED_LATENCY_MS } from './faults.js';
export { authorize, parseRamPolicy, type RamPolicy, wildcardMatch } from './ram.js';
export { arn, authRequestFor, EMULATOR_ACCOUNT_ID } from './ram-resources.js';
export {
  BOT_SCRIPTS,
  type BotScriptName,
  hostKeyFor,
  INSTANCE_ID_BUILTIN,
  type InspectReport,
  isReservationKey,
  parseScriptMarker,
  RESERVATION_TYPE,
  type ReservationReport,
  SCRIPT_EXIT,
  SCRIPT_MARKER_PREFIX,
  scriptMarker,
} from './scripts.js';
export { SEED, type SeedName } from './seed.js';
export { API_VERSION, type EmulatorOptions, type RunningEmulator, startEmulator } from './server.js';
export { type EmulatorAccount, STS_API_VERSION } from './sts.js';
export { DEFAULT_LATENCY, LATENCY_KINDS, type LatencyKind, type LatencySpec } from './world.js';
