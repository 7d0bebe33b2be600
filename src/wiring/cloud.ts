import { type AssistantTiming, DEFAULT_ASSISTANT_TIMING } from '../cloud/assistant.js';
import type { EcsGateway } from '../cloud/gateway.js';
import { meteredGateway } from '../cloud/metered-gateway.js';
import { filingPreflight } from '../cloud/preflight/filing.js';
import { UnresponsiveGuests } from '../cloud/unresponsive-guests.js';
import { createExecution, DEFAULT_RUN_OPTIONS, type Execution } from '../jobs/execution.js';
import type { Clock } from '../workflow/ports.js';
import type { Check, RequestKind, RequestParams } from '../workflow/request.js';
import type { BotOptions, CloudOptions } from './options.js';
import type { RunningPart } from './parts.js';
import type { SlackPosts } from './slack-posts.js';
import type { Stores } from './stores.js';
import type { Workflow } from './workflow.js';

export interface Cloud {
  readonly execution: Execution;
  /** The ECS port every reader shares: metered, rate-limited and retried. */
  readonly gateway: EcsGateway;
  readonly preflight: (kind: RequestKind, params: RequestParams) => Promise<Check[]>;
  readonly assistantTimeoutSec: number;
  /** Shared by filing, the runner and `/disk status`: one memory of guests that just timed out. */
  readonly assistantTiming: AssistantTiming;
  /** The execution's queue, then its worker (when this process runs one). */
  readonly parts: RunningPart[];
}

/** The execution (BullMQ queue, ECS gateway, worker) and the filing preflight on the same gateway. */
export function assembleCloud(
  options: Pick<BotOptions, 'keyPrefix' | 'policy' | 'logger' | 'metrics'>,
  cloud: CloudOptions,
  parts: { workflow: Workflow; stores: Stores; posts: SlackPosts; clock: Clock },
): Cloud {
  const { logger, metrics, policy } = options;
  const assistantTimeoutSec = cloud.assistantTimeoutSec ?? DEFAULT_RUN_OPTIONS.assistantTimeoutSec;
  const assistantTiming: AssistantTiming = {
    ...DEFAULT_ASSISTANT_TIMING,
    ...cloud.assistantPolling,
    unresponsive: new UnresponsiveGuests(() => parts.clock.now()),
  };
  const execution = createExecution({
    connection: cloud.connection,
    ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
    // Metered below the retries, so every real ECS call is counted with its outcome.
    gateway: meteredGateway(cloud.gateway, ({ action, code, seconds }) => {
      metrics.ecsCalls.inc({ action, code });
      metrics.ecsLatency.observe({ action }, seconds);
    }),
    service: parts.workflow.service,
    reporter: parts.posts.reporter,
    fencingMode: policy.fencing.mode,
    audit: parts.stores.reviews,
    rateBudget: policy.limits.ecs,
    logger: logger.child({ module: 'execution' }),
    clock: parts.clock,
    ...(cloud.multiAttachZones ? { multiAttachZones: cloud.multiAttachZones } : {}),
    ...cloud.execution,
    run: { assistantTimeoutSec, assistantTiming, ...cloud.execution?.run },
  });
  parts.workflow.bindExecution(execution);
  metrics.setQueueDepthSource(() => execution.jobCounts());
  const running: RunningPart[] = [{ name: 'execution', stop: () => execution.close() }];
  if (cloud.runWorker !== false) {
    const worker = execution.start();
    // Stop taking jobs; a step in flight is left to BullMQ's stalled-job recovery on another replica.
    running.push({ name: 'worker', stop: () => worker.close() });
  }
  return {
    execution,
    gateway: execution.gateway,
    preflight: filingPreflight(execution.gateway, {
      assistantTimeoutSec,
      assistantTiming,
      ...(cloud.multiAttachZones ? { multiAttachZones: cloud.multiAttachZones } : {}),
    }),
    assistantTimeoutSec,
    assistantTiming,
    parts: running,
  };
}
