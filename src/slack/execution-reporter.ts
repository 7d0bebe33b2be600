import type { ExecutionReporter, ExecutionResult, StepReport } from '../app/ports.js';
import type { Logger } from '../logger.js';
import type { DiskRequest } from '../workflow/request.js';
import { executionResultMessage, startedLine, stepLine } from './blocks/execution.js';
import { joinWithin } from './blocks/limits.js';
import { namesOf } from './blocks/names.js';
import type { MountAlerter } from './mount-alerts.js';
import type { SlackOutbox } from './outbox/outbox.js';
import type { MessageBody } from './outbox/writes.js';

interface PendingLines {
  lines: string[];
  timer: NodeJS.Timeout | undefined;
  flushing: Promise<void>;
}

/**
 * Progress of a running request in its card's thread, through the outbox. Step lines are batched
 * into at most one reply per `flushMs` per request (Slack allows about one message per second per
 * channel) and queued behind what people wait for; the final result, which mentions the
 * requester, is broadcast to the channel in the critical lane. The card itself is updated by the
 * transition listener. Nothing here waits for Slack, so nothing is thrown into the executor.
 */
export class SlackExecutionReporter implements ExecutionReporter {
  private readonly pending = new Map<string, PendingLines>();

  private batches = 0;

  constructor(
    private readonly outbox: SlackOutbox,
    private readonly logger: Logger,
    private readonly flushMs = 1_000,
    /** Raises the red alert when the final mount table shows a single-node file system mounted twice. */
    private readonly alerts?: MountAlerter,
  ) {}

  async started(request: DiskRequest): Promise<void> {
    this.queue(request, startedLine(request));
  }

  async step(request: DiskRequest, step: StepReport): Promise<void> {
    this.queue(request, stepLine(step, namesOf(request.params)));
  }

  async finished(request: DiskRequest, result: ExecutionResult): Promise<void> {
    await this.flush(request);
    // No card check here: an emergency runs before its card is up, and the outbox holds thread
    // posts until the card is posted (or drops them if it is given up).
    await this.record(`result:${request.id}`, request, executionResultMessage(request, result), 'critical');
    const alert = result.mounts?.alert;
    if (alert && this.alerts) {
      await this.alerts.raise({
        diskId: result.mounts?.diskId ?? '',
        alert,
        channelId: request.card?.channelId ?? request.channelId,
        requestId: request.id,
        names: { ...result.mounts?.names, ...namesOf(request.params) },
      });
    }
  }

  private queue(request: DiskRequest, line: string): void {
    const entry = this.pending.get(request.id) ?? {
      lines: [],
      timer: undefined,
      flushing: Promise.resolve(),
    };
    this.pending.set(request.id, entry);
    entry.lines.push(line);
    entry.timer ??= setTimeout(() => void this.flush(request), this.flushMs);
  }

  private async flush(request: DiskRequest): Promise<void> {
    const entry = this.pending.get(request.id);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const lines = entry.lines.splice(0);
    // Chained so batches reach the thread in order even when a flush is slow.
    entry.flushing = entry.flushing.then(async () => {
      // One batch is one message; a long batch says how many lines it left out instead of cutting one.
      if (lines.length > 0)
        await this.post(request, {
          text: joinWithin(lines, 3900, { separator: '\n', more: (n) => `… and ${n} more steps` }),
        });
    });
    await entry.flushing;
    if (entry.lines.length === 0 && !entry.timer) this.pending.delete(request.id);
  }

  private async post(request: DiskRequest, message: MessageBody): Promise<void> {
    // Unique per batch, also across restarts of this replica and across replicas.
    const id = `progress:${request.id}:${Date.now()}:${process.pid}:${++this.batches}`;
    await this.record(id, request, message, 'background');
  }

  /** Queues one thread post; the final result is broadcast to the channel. */
  private async record(
    id: string,
    request: DiskRequest,
    message: MessageBody,
    lane: 'critical' | 'background',
  ): Promise<void> {
    try {
      await this.outbox.put(
        id,
        { kind: 'thread', requestId: request.id, message, broadcast: lane === 'critical' },
        lane,
        'once',
      );
    } catch (error) {
      this.logger.warn(
        { event: 'slack.progress_post_failed', requestId: request.id, err: error },
        'progress post not recorded',
      );
    }
  }
}
