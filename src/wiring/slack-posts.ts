import { webApi } from '@slack/bolt';
import type { ApprovalCards } from '../app/ports.js';
import { CodedError } from '../errors.js';
import { webClientOptions } from '../slack/app.js';
import { SlackCardPublisher } from '../slack/card-publisher.js';
import { EmergencyNotifier } from '../slack/emergency-notifier.js';
import { SlackExecutionReporter } from '../slack/execution-reporter.js';
import type { PublishView } from '../slack/home.js';
import { MountAlerter } from '../slack/mount-alerts.js';
import type { SlackOutbox } from '../slack/outbox/outbox.js';
import { cardEntryId, idPart } from '../slack/outbox/writes.js';
import type { SendEphemeral } from '../slack/ports.js';
import { slackApprovalCards } from '../slack/request-commands.js';
import { slackMemberOf } from '../slack/usergroups.js';
import { SlackWatchNotifier } from '../slack/watch-slack.js';
import { WorkflowSteps } from '../slack/workflow-step.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { GroupDirectory } from '../workflow/approvers.js';
import type { Clock, TransitionListener } from '../workflow/ports.js';
import type { ReviewService } from '../workflow/reviews.js';
import type { BotOptions } from './options.js';
import { createSlackOutbox, writeClient } from './outbox.js';
import type { Stores } from './stores.js';

/** Everything the bot posts to Slack on its own (not in answer to a request), and the user groups it reads. */
export interface SlackPosts {
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly groups: GroupDirectory;
  readonly alerts: MountAlerter;
  readonly reporter: SlackExecutionReporter;
  readonly watchNotifier: SlackWatchNotifier;
  /**
   * The durable outbox every card, thread line, result, Home view, watch alert, mount alert and
   * emergency notice goes through (issue 20).
   */
  readonly outbox: SlackOutbox;
  /** App Home views, published through the outbox's background lane (only the latest counts). */
  readonly publishHome: PublishView;
  /** A submitted form's answer, through the outbox's critical lane (its user waits for it). */
  readonly sendEphemeral: SendEphemeral;
  /** The Workflow Builder step: completes each step when its request ends. */
  readonly workflowSteps: WorkflowSteps;
  /** The transition listeners that post: the request card, the emergency notices, the step completions. */
  transitionListeners(reviews: ReviewService): TransitionListener[];
  /** The outbox reads and updates requests (cards, abandonment) once the service exists. */
  bindService(service: ApprovalService): void;
  approvalCards(service: ApprovalService): ApprovalCards;
}

export function assembleSlackPosts(
  options: Pick<BotOptions, 'slack' | 'policy' | 'logger' | 'redis' | 'keyPrefix' | 'metrics'>,
  stores: Stores,
  clock: Clock,
): SlackPosts {
  const { logger, policy } = options;
  const token = () => options.slack.botToken;
  const client = new webApi.WebClient(undefined, webClientOptions(options.slack));
  const writes = writeClient(options.slack);
  let service: ApprovalService | undefined;
  const outbox = createSlackOutbox({
    redis: options.redis,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    client: writes,
    token,
    service: () => {
      if (!service) throw new CodedError('service_unavailable', 'the approval service is not bound yet');
      return service;
    },
    cardDeadlineMs: policy.slack.cardDeadline,
    ...(options.slack.pacing ? { pacing: options.slack.pacing } : {}),
    logger: logger.child({ module: 'outbox' }),
    metrics: options.metrics,
  });
  const alerts = new MountAlerter(
    outbox,
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
    outbox,
    publishHome: (userId, view) =>
      outbox.put(`home:${idPart(userId)}`, { kind: 'home', user: userId, view }, 'background', 'latest'),
    sendEphemeral: (id, channel, user, message) =>
      outbox.put(
        `form-answer:${idPart(id)}`,
        { kind: 'ephemeral', channel, user, message },
        'critical',
        'once',
      ),
    reporter: new SlackExecutionReporter(outbox, logger.child({ module: 'progress' }), 1_000, alerts),
    watchNotifier: new SlackWatchNotifier(outbox, {
      emergency: policy.actions.failover.emergency !== undefined,
      remindAfterMs: policy.watch.remindAfter,
      ...(policy.channels.audit ? { auditChannel: policy.channels.audit } : {}),
      request: (id) => stores.requests.get(id),
    }),
    transitionListeners: (reviews) => [
      new SlackCardPublisher(outbox, policy.channels, () => stores.freeze.current()),
      new EmergencyNotifier(outbox, reviews, policy.channels),
      workflowSteps,
    ],
    bindService: (bound) => {
      service = bound;
    },
    approvalCards: (bound) =>
      slackApprovalCards({
        service: bound,
        client: writes,
        token,
        cardPosted: (requestId, timeoutMs) => outbox.delivered(cardEntryId(requestId), timeoutMs),
      }),
  };
}
