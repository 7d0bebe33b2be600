/**
 * Every request kind's execution half, total over `RequestKind` (src/kinds/kinds.ts): a kind
 * missing here, or an entry missing its facts, rules, locks or steps, does not compile. The
 * worker, the locks and the safety pipeline ask the kind through this table, never by name.
 */

import type { ReadGateway } from '../cloud/gateway.js';
import {
  type LoadWorldOptions,
  momentFacts,
  type SafetyMoment,
  type SafetyReading,
} from '../cloud/preflight/index.js';
import type { WorldSnapshot } from '../cloud/preflight/world.js';
import type { Check } from '../workflow/request.js';
import { attachExecution } from './attach/execution.js';
import { createExecution } from './create/execution.js';
import { deleteExecution } from './delete/execution.js';
import { detachExecution } from './detach/execution.js';
import type { KindExecution } from './execution.js';
import { failoverExecution } from './failover/execution.js';
import { initExecution } from './init/execution.js';
import type { ParamsOf, RequestKind } from './kinds.js';
import { resizeExecution } from './resize/execution.js';
import { snapshotExecution } from './snapshot/execution.js';
import { unfreezeExecution } from './unfreeze/execution.js';

export type KindExecutions = { readonly [K in RequestKind]: KindExecution<K> };

export const KIND_EXECUTIONS: KindExecutions = {
  create: createExecution,
  attach: attachExecution,
  detach: detachExecution,
  failover: failoverExecution,
  init: initExecution,
  unfreeze: unfreezeExecution,
  resize: resizeExecution,
  snapshot: snapshotExecution,
  delete: deleteExecution,
};

/** The execution half of `kind`, typed by it (the correlated-union lookup: no cast at the caller). */
export function executionOf<K extends RequestKind>(kind: K): KindExecution<K> {
  return KIND_EXECUTIONS[kind];
}

/** The safety pipeline's facts of one moment for one kind (`momentFacts` asks the kind). */
export function facts<K extends RequestKind>(
  gateway: ReadGateway,
  kind: K,
  params: ParamsOf[K],
  moment: SafetyMoment,
  options: LoadWorldOptions,
): Promise<SafetyReading> {
  return momentFacts(gateway, executionOf(kind), params, moment, options);
}

/** Pure: every preflight check of one request against a snapshot of the cloud read for `moment`. */
export function evaluatePreflight<K extends RequestKind>(
  kind: K,
  params: ParamsOf[K],
  world: WorldSnapshot,
  moment: SafetyMoment = 'filing',
): Check[] {
  return executionOf(kind).rules(params, world, moment);
}
