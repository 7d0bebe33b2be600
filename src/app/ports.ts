/**
 * What the application services need from the outside world, and the data they hand to the Slack
 * adapter. The adapter renders these shapes but must not import src/jobs or src/store (a
 * dependency-cruiser rule), so the shapes it renders are re-exported here from their owners.
 */
import type { MountAlert } from '../cloud/mounts.js';
import type { DiskRequest } from '../workflow/request.js';

export type {
  AttachmentRow,
  ExecutionReporter,
  ExecutionResult,
  GuardAuditLog,
  StepReport,
} from '../jobs/ports.js';
export type { IncidentResolution } from '../jobs/watch-service.js';
export type { AlertMessageRef, WatchEntry } from '../store/watch-store.js';

/** An expected cloud failure as data: a stable code and the plain-language message (cloud/explain). */
export interface CloudFailure {
  readonly code: string;
  readonly message: string;
}

/** Raises the red alert when a single-node file system is mounted on two nodes. */
export interface MountAlarm {
  raise(input: {
    diskId: string;
    alert: MountAlert;
    channelId: string;
    /** Names of the disk and its instances, for `name (id)` in the alert. */
    names?: Readonly<Record<string, string>>;
  }): Promise<void>;
}

/** Where a request's approval card went, or why it could not be posted. */
export type CardPublication =
  | { readonly ok: true; readonly link?: string }
  /** Not posted yet (Slack is slow or down): the outbox posts it as soon as Slack accepts it. */
  | { readonly ok: true; readonly queuedIn: string }
  | { readonly ok: false; readonly channel: string; readonly error: string };

/**
 * A newly opened request's approval card: posted (with its link), still queued, or refused for good
 * (the outbox then cancels a pending request and tells the requester); never throws.
 */
export interface ApprovalCards {
  publish(request: DiskRequest, requesterChannelId: string): Promise<CardPublication>;
}

export type { StepCompletion, StepExecution } from '../store/workflow-step-store.js';
/** Where Workflow Builder step executions are claimed, linked to their request and completed once. */
export type WorkflowStepStore = Pick<
  import('../store/workflow-step-store.js').RedisWorkflowStepStore,
  'executionOf' | 'claim' | 'link' | 'owe' | 'takeDue' | 'settle' | 'retryAt'
>;

export {
  type ClaimedEntry,
  OUTBOX_LANES,
  type OutboxLane,
  type PutMode,
  type RedisOutboxStore as OutboxStore,
} from '../store/outbox-store.js';
