import { CodedError } from '../errors.js';
import type { Execution } from '../jobs/execution.js';
import { watchEnroller } from '../jobs/watch-enroll.js';
import { ApprovalService } from '../workflow/approval-service.js';
import { PendingExecutor } from '../workflow/executor.js';
import type { Clock, Executor, TransitionListener } from '../workflow/ports.js';
import { ReviewService } from '../workflow/reviews.js';
import type { BotOptions } from './options.js';
import type { SlackPosts } from './slack-posts.js';
import type { Stores } from './stores.js';

export interface Workflow {
  readonly service: ApprovalService;
  readonly reviews: ReviewService;
  /** What approved requests are handed to. */
  readonly executor: Executor;
  /** Hands approved requests to `execution` from now on (the service and the execution need each other). */
  bindExecution(execution: Execution): void;
}

/** Fans one transition out to several listeners; each listener's failure is its own. */
function allOf(listeners: readonly TransitionListener[]): TransitionListener {
  return {
    onTransition: async (event) => {
      await Promise.all(listeners.map((listener) => listener.onTransition(event)));
    },
  };
}

/**
 * The approval workflow. With a cloud, approved requests go to the execution once it is bound;
 * without one they wait (PendingExecutor), unless the options replace the executor.
 */
export function assembleWorkflow(
  options: Pick<BotOptions, 'policy' | 'logger' | 'metrics' | 'executor' | 'cloud'>,
  parts: { stores: Stores; posts: SlackPosts; clock: Clock },
): Workflow {
  const { logger, metrics } = options;
  const { stores, posts, clock } = parts;
  let execution: Execution | undefined;
  const executor: Executor =
    options.executor ??
    (options.cloud
      ? {
          submit: (request) => {
            if (!execution)
              throw new CodedError('executor_unavailable', 'execution is not started yet', {
                retryable: true,
              });
            return execution.executor.submit(request);
          },
        }
      : new PendingExecutor(() => clock.now()));
  const reviews = new ReviewService({
    store: stores.reviews,
    policy: options.policy,
    groups: posts.groups.memberOf,
    clock,
  });
  const service = new ApprovalService({
    store: stores.requests,
    policy: options.policy,
    groups: posts.groups.memberOf,
    clock,
    executor,
    notifier: allOf([
      ...posts.transitionListeners(reviews),
      watchEnroller(stores.watch, logger.child({ module: 'watch' })),
      {
        onTransition: async (e) => {
          metrics.requestTransitions.inc({ kind: e.request.kind, event: e.event, to: e.to });
        },
      },
    ]),
    onError: (error, context) =>
      logger.warn(
        {
          event: 'workflow.notify_failed',
          requestId: context.requestId,
          transition: context.event,
          err: error,
        },
        'transition side effect failed',
      ),
  });
  posts.bindService(service);
  return {
    service,
    reviews,
    executor,
    bindExecution: (bound) => {
      execution = bound;
    },
  };
}
