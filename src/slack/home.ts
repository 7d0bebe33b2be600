import type { View } from '@slack/types';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { ChangeFreeze } from '../workflow/freeze.js';
import type { ReviewService } from '../workflow/reviews.js';
import { homeView } from './blocks/request-list.js';
import { watchListBlocks } from './blocks/watch.js';
import type { CanView } from './command-gate.js';

const NOT_VIEWER_NOTICE =
  'You see your own requests and those awaiting your approval; recent activity and reviews are ' +
  "shown to the policy's viewers only.";

/** Sends one user's Home view (`views.publish`); in the bot, through the outbox's background lane. */
export type PublishView = (userId: string, view: View) => Promise<void>;

/** Builds and publishes one user's App Home; every publish reads fresh state from Redis. */
export class HomePublisher {
  constructor(
    private readonly service: ApprovalService,
    private readonly publishView: PublishView,
    /** Open post-incident reviews are shown to everyone until acknowledged. */
    private readonly reviews?: ReviewService,
    /** Policy `viewers`; without it everyone sees the details. */
    private readonly canView?: CanView,
    /** "Watched disks": one health line per watched disk (issue 13). */
    private readonly watched?: () => Promise<string[]>,
    private readonly freeze?: () => Promise<ChangeFreeze | undefined>,
  ) {}

  async publish(userId: string, notice?: string): Promise<void> {
    const viewer = this.canView ? await this.canView(userId) : true;
    const [mine, awaiting, recent, reviews, freeze] = await Promise.all([
      this.service.openBy(userId, 20),
      this.service.awaitingApprovalBy(userId, { limit: 20 }),
      viewer ? this.service.recentFinished(10) : Promise.resolve([]),
      viewer ? (this.reviews?.listOpen(20) ?? Promise.resolve([])) : Promise.resolve([]),
      this.freeze?.(),
    ]);
    const shown = notice ?? (viewer ? undefined : NOT_VIEWER_NOTICE);
    const view = homeView({
      ...(shown ? { notice: shown } : {}),
      ...(freeze ? { freeze } : {}),
      mine,
      awaiting,
      recent,
      reviews,
    });
    const lines = this.watched ? await this.watched().catch(() => undefined) : undefined;
    const extra = lines ? [{ type: 'divider' as const }, ...watchListBlocks(lines, 'Watched disks')] : [];
    // A Home view holds at most 100 blocks: the watched disks go last and only when they fit.
    await this.publishView(
      userId,
      view.blocks.length + extra.length <= 100 ? { ...view, blocks: [...view.blocks, ...extra] } : view,
    );
  }
}
