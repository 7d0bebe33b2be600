import { AttachPicker } from '../app/attach-picker.js';
import { DiskQueries } from '../app/disk-queries.js';
import { FilingService } from '../app/filing.js';
import { FreezeCommands } from '../app/freeze-commands.js';
import { NameResolver } from '../app/name-resolver.js';
import { WatchCommands } from '../app/watch-commands.js';
import { withViewerGate } from '../slack/command-gate.js';
import { diskQueryHandlers } from '../slack/disk-queries.js';
import { freezeAnnouncer, freezeCommandHandlers } from '../slack/freeze-slack.js';
import { withNameResolution } from '../slack/name-resolution.js';
import type { CommandHandlers } from '../slack/ports.js';
import { requestCommandHandlers } from '../slack/request-commands.js';
import { watchCommandHandlers } from '../slack/watch-slack.js';
import { isViewer } from '../workflow/approvers.js';
import type { Clock } from '../workflow/ports.js';
import { buildRequest } from '../workflow/request-builder.js';
import type { Cloud } from './cloud.js';
import type { BotOptions } from './options.js';
import type { SlackPosts } from './slack-posts.js';
import type { Stores } from './stores.js';
import type { Workflow } from './workflow.js';

/** The application services and the `/disk` handlers that call them (without a cloud: filing only). */
export interface Handlers {
  readonly handlers: CommandHandlers;
  readonly filing: FilingService;
  readonly canView: (userId: string) => Promise<boolean>;
  /** Absent without a cloud: there is nothing to ask. */
  readonly watchCommands?: WatchCommands;
  readonly resolver?: NameResolver;
  readonly picker?: AttachPicker;
}

export function assembleHandlers(
  options: Pick<BotOptions, 'policy' | 'defaultRegion' | 'logger' | 'watch'>,
  parts: { stores: Stores; posts: SlackPosts; workflow: Workflow; cloud: Cloud | undefined; clock: Clock },
): Handlers {
  const { policy, defaultRegion, logger } = options;
  const { stores, posts, workflow, cloud, clock } = parts;
  const { service } = workflow;
  const filing = new FilingService({
    service,
    build: (command) => buildRequest(command, service.policy, defaultRegion),
    ...(cloud ? { preflight: cloud.preflight } : {}),
    cards: posts.approvalCards(service),
    audit: stores.reviews,
    freeze: stores.freeze,
    clock,
    logger,
  });
  const freezeCommands = new FreezeCommands({
    policy,
    memberOf: posts.groups.memberOf,
    freeze: stores.freeze,
    audit: stores.reviews,
    announce: freezeAnnouncer(posts.outbox, policy.channels),
    clock,
    logger,
  });
  const watchCommands = cloud
    ? new WatchCommands({
        store: stores.watch,
        gateway: cloud.gateway,
        poster: posts.watchNotifier,
        defaultRegion,
        clock,
        fencingMode: policy.fencing.mode,
        inspectTimeoutSec: cloud.assistantTimeoutSec,
        ...(options.watch?.timing ? { timing: options.watch.timing } : {}),
        logger,
      })
    : undefined;
  const all: CommandHandlers = {
    ...requestCommandHandlers({ filing, service }),
    ...freezeCommandHandlers(freezeCommands),
    ...(cloud
      ? diskQueryHandlers(
          new DiskQueries({
            gateway: cloud.gateway,
            defaultRegion,
            inspectTimeoutSec: cloud.assistantTimeoutSec,
            assistantTiming: cloud.assistantTiming,
            alarm: posts.alerts,
          }),
        )
      : {}),
    ...(watchCommands ? watchCommandHandlers(watchCommands) : {}),
  };
  const canView = (userId: string) => isViewer(policy, userId, posts.groups.memberOf);
  const cloudRegion = policy.region || defaultRegion;
  const resolver = cloud ? new NameResolver(cloud.gateway, cloudRegion) : undefined;
  // Names resolve to ids before anything is filed or read; without a cloud there is nothing to ask.
  // The viewer gate is outermost: a refused user costs no name lookup.
  const handlers = withViewerGate(resolver ? withNameResolution(all, resolver) : all, canView);
  return {
    handlers,
    filing,
    canView,
    ...(watchCommands ? { watchCommands } : {}),
    ...(resolver ? { resolver } : {}),
    ...(cloud ? { picker: new AttachPicker(cloud.gateway, cloudRegion) } : {}),
  };
}
