import type { MountAlert } from '../cloud/mounts.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../workflow/ports.js';
import type { IncidentLog } from '../workflow/reviews.js';
import { mountAlertMessage } from './blocks/mounts.js';
import type { SlackOutbox } from './outbox/outbox.js';
import { idPart } from './outbox/writes.js';

/**
 * Raises the red alert of design.md §7: a post to the channel where it was seen (and the audit
 * channel) through the outbox's critical lane, plus an audit-stream entry. Failures are logged: an
 * alert must never break the command or execution that found it.
 */
export class MountAlerter {
  constructor(
    private readonly outbox: SlackOutbox,
    private readonly incidents: IncidentLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly auditChannel?: string,
  ) {}

  async raise(input: {
    diskId: string;
    alert: MountAlert;
    channelId: string;
    requestId?: string;
    names?: Readonly<Record<string, string>>;
  }): Promise<void> {
    const message = mountAlertMessage(input.diskId, input.alert, input.names);
    const channels = [...new Set([input.channelId, ...(this.auditChannel ? [this.auditChannel] : [])])];
    // Once per finished request; a status command's alert is its own occasion.
    const occasion = input.requestId ?? `${input.diskId}:${this.clock.now()}`;
    await Promise.all([
      ...channels.map((channel) =>
        this.outbox
          .put(
            `mount-alert:${idPart(occasion)}:${idPart(channel)}`,
            { kind: 'post', channel, message },
            'critical',
            'once',
          )
          .catch((error: unknown) =>
            this.logger.warn(
              { event: 'slack.mount_alert_failed', channel, err: error },
              'mount alert could not be queued',
            ),
          ),
      ),
      this.incidents
        .record({
          event: 'mount_alert',
          subject: input.requestId ?? input.diskId,
          actor: 'bot',
          at: this.clock.now(),
          details: {
            diskId: input.diskId,
            fstype: input.alert.fstype,
            instanceIds: [...input.alert.instanceIds],
          },
        })
        .catch((error: unknown) =>
          this.logger.warn({ event: 'audit.mount_alert_failed', err: error }, 'mount alert audit failed'),
        ),
    ]);
    this.logger.warn(
      { event: 'mount.single_node_fs_shared', diskId: input.diskId, ...input.alert },
      'single-node file system mounted on several instances',
    );
  }
}
