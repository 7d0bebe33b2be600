import { createWatchMetrics } from '../jobs/watch-metrics.js';
import { WatchService } from '../jobs/watch-service.js';
import { type ExpirySweeper, startExpirySweeper } from '../workflow/expiry-sweeper.js';
import type { Clock } from '../workflow/ports.js';
import { startReconciler } from '../workflow/reconcile-loop.js';
import type { Cloud } from './cloud.js';
import type { BotOptions } from './options.js';
import type { RunningPart } from './parts.js';
import type { SlackPosts } from './slack-posts.js';
import type { Stores } from './stores.js';
import type { Workflow } from './workflow.js';

export interface Background {
  readonly sweeper: ExpirySweeper;
  /** The watcher of this replica (with a cloud, unless the watch is disabled). */
  readonly watch?: WatchService;
  /** The watcher, the expiry sweeper and (with a cloud) the reconciler, in the order they started. */
  readonly parts: RunningPart[];
}

/**
 * The timers: the watch, owed Workflow Builder step completions, the expiry of overdue requests,
 * and the resubmission of stuck approvals.
 */
export function startBackground(
  options: Pick<BotOptions, 'policy' | 'logger' | 'metrics' | 'watch' | 'expirySweepMs'>,
  parts: { stores: Stores; posts: SlackPosts; workflow: Workflow; cloud: Cloud | undefined; clock: Clock },
): Background {
  const { logger, policy } = options;
  const { workflow, cloud, clock } = parts;
  const running: RunningPart[] = [];
  let watch: WatchService | undefined;
  if (cloud && options.watch?.enabled !== false) {
    watch = new WatchService({
      store: parts.stores.watch,
      gateway: cloud.gateway,
      settings: policy.watch,
      fencingMode: policy.fencing.mode,
      notifier: parts.posts.watchNotifier,
      clock,
      assistantTimeoutSec: cloud.assistantTimeoutSec,
      ...(options.watch?.timing ? { timing: options.watch.timing } : {}),
      ...(options.watch?.owner ? { owner: options.watch.owner } : {}),
      logger: logger.child({ module: 'watch' }),
      metrics: createWatchMetrics(options.metrics.registry),
    });
    const started = watch;
    started.start();
    running.push({ name: 'watch', stop: () => started.stop() });
  }
  const steps = parts.posts.workflowSteps;
  steps.start();
  running.push({ name: 'workflow steps', stop: () => steps.stop() });
  const sweeper = startExpirySweeper({
    service: workflow.service,
    intervalMs: options.expirySweepMs ?? 15_000,
    onError: (error) => logger.warn({ event: 'workflow.sweep_failed', err: error }, 'expiry sweep failed'),
  });
  running.push({ name: 'expiry sweeper', stop: () => sweeper.stop() });
  if (cloud) {
    const reconciler = startReconciler({
      service: workflow.service,
      executor: workflow.executor,
      clock,
      onResubmitted: (ids) =>
        logger.warn({ event: 'workflow.resubmitted', requestIds: ids }, 'resubmitted approved requests'),
      onError: (error) =>
        logger.warn({ event: 'workflow.reconcile_failed', err: error }, 'reconcile pass failed'),
    });
    running.push({ name: 'reconciler', stop: () => reconciler.stop() });
  }
  return { sweeper, ...(watch ? { watch } : {}), parts: running };
}
