import type { FreezeCommands } from '../app/freeze-commands.js';
import type { ChangeFreeze } from '../workflow/freeze.js';
import { freezeAnnouncement, freezeLine } from './blocks/freeze.js';
import type { SlackOutbox } from './outbox/outbox.js';
import type { CommandHandlers, CommandReply } from './ports.js';

const reply = (text: string): CommandReply => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
});

/** `/disk freeze`: one service call, rendered. */
export function freezeCommandHandlers(commands: FreezeCommands): CommandHandlers {
  return {
    freeze: async (command, ctx) => {
      const outcome = await commands.freeze(ctx.userId, command.reason);
      if (outcome.ok) return reply(`:snowflake: Frozen. ${freezeLine(outcome.freeze)}.`);
      if (outcome.reason === 'already_frozen')
        return reply(`:snowflake: Already frozen: ${freezeLine(outcome.freeze)}.`);
      return reply(':no_entry: Only approvers and on-call (emergency requesters) may start a change freeze.');
    },
  };
}

/** The freeze's announcement in the approvals channel and its line in the audit channel, through the outbox. */
export function freezeAnnouncer(
  outbox: SlackOutbox,
  channels: { readonly approvals?: string; readonly audit?: string },
): (freeze: ChangeFreeze) => Promise<void> {
  return async (freeze) => {
    const text = freezeAnnouncement(freeze);
    for (const channel of new Set([channels.approvals, channels.audit])) {
      if (channel)
        await outbox.put(
          `freeze:${freeze.at}:${channel}`,
          { kind: 'post', channel, message: { text } },
          'background',
          'once',
        );
    }
  };
}
