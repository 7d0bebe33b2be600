import type { KnownBlock } from '@slack/types';
import type { ChangeFreeze } from '../../workflow/freeze.js';
import { escapeMrkdwn } from './escape.js';
import { clip, SLACK_LIMITS, slackDate } from './limits.js';

/** Who froze, since when and why, as mrkdwn (the reason is the user's text, escaped). */
export function freezeLine(freeze: ChangeFreeze): string {
  return `*Change freeze* since ${slackDate(freeze.at)} by <@${freeze.by}>: ${escapeMrkdwn(freeze.reason)}`;
}

/** Shown on every card and on App Home while a freeze is in force. */
export function freezeBanner(freeze: ChangeFreeze): KnownBlock {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: clip(
        `:snowflake: ${freezeLine(freeze)}. New changes are neither filed nor started until \`/disk unfreeze\` is approved.`,
        SLACK_LIMITS.sectionText,
      ),
    },
  };
}

/** Why a command was refused during a freeze. */
export function frozenRefusal(freeze: ChangeFreeze): string {
  return `:snowflake: Nothing was requested: ${freezeLine(freeze)}. Changes resume once \`/disk unfreeze\` is approved.`;
}

/** Posted in the approvals channel (and the audit channel) when a freeze starts. */
export function freezeAnnouncement(freeze: ChangeFreeze): string {
  return `:snowflake: ${freezeLine(freeze)}. New changes are refused and approved ones do not start; requests already running finish. Lift it with \`/disk unfreeze\`.`;
}
