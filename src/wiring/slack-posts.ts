import { webApi } from '@slack/bolt';
import type { ApprovalCards } from '../app/ports.js';
import { webClientOptions } from '../slack/app.js';
import { SlackCardPublisher } from '../slack/card-publisher.js';
import { EmergencyNotifier } from '../slack/emergency-notifier.js';
import { SlackExecutionReporter } from '../slack/execution-reporter.js';
import { MountAlerter } from '../slack/mount-alerts.js';
import { slackApprovalCards } from '../slack/request-commands.js';
import { slackMemberOf } from '../slack/usergroups.js';
import { SlackWatchNotifier } from '../slack/watch-slack.js';
import { WorkflowSteps } from '../slack/workflow-step.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { GroupDirectory } from '../workflow/approvers.js';
import type { Clock, TransitionListener } from '../workflow/ports.js';
import type { ReviewService } from '../workflow/reviews.js';
import type { BotOptions } from './options.js';
import type { Stores } from './stores.js';

/** Everything the bot posts to Slack on its own (not in answer to a request), and the user groups it reads. */
export interface SlackPosts {
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly groups: GroupDirectory;
  readonly alerts: MountAlerter;
  readonly reporter: SlackExecutionReporter;
  readonly watchNotifier: SlackWatchNotifier;
  /** The Workflow Builder step: completes each step when its request ends. */
  readonly workflowSteps: WorkflowSteps;
  /** The transition listeners that post: the request card, the emergency notices, the step completions. */
  transitionListeners(reviews: ReviewService): TransitionListener[];
  approvalCards(service: ApprovalService): ApprovalCards;
}

export function assembleSlackPosts(
  options: Pick<BotOptions, 'slack' | 'policy' | 'logger'>,
  stores: Stores,
  clock: Clock,
): SlackPosts {
  const { logger, policy } = options;
  const token = () => options.slack.botToken;
  const client = new webApi.WebClient(undefined, webClientOptions(options.slack));
  const alerts = new MountAlerter(
    client,
    token,
    stores.reviews,
    clock,
    logger.child({ module: 'mounts' }),
    policy.channels.audit,
  );
  const workflowSteps = new WorkflowSteps({
    store: stores.workflowSteps,
    client,
    botToken: token,
    clock,
    logger: logger.child({ module: 'workflow-step' }),
  });
  return {
    client,
    token,
    workflowSteps,
    groups: new GroupDirectory(slackMemberOf(client, token), clock),
    alerts,
    reporter: new SlackExecutionReporter(client, token, logger.child({ module: 'progress' }), 1_000, alerts),
    watchNotifier: new SlackWatchNotifier(client, token, {
      emergency: policy.actions.failover.emergency !== undefined,
      remindAfterMs: policy.watch.remindAfter,
      ...(policy.channels.audit ? { auditChannel: policy.channels.audit } : {}),
      request: (id) => stores.requests.get(id),
    }),
    transitionListeners: (reviews) => [
      new SlackCardPublisher(client, token, logger.child({ module: 'cards' }), policy.channels.audit),
      new EmergencyNotifier(client, token, reviews, logger.child({ module: 'emergency' }), policy.channels),
      workflowSteps,
    ],
    approvalCards: (service) => slackApprovalCards({ service, client, token, logger }),
  };
}
