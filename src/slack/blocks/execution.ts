import type { KnownBlock } from '@slack/types';
import type { ExecutionResult, StepReport } from '../../jobs/ports.js';
import type { DiskRequest } from '../../workflow/request.js';
import { escapeMrkdwn } from './escape.js';
import { mountTableBlocks } from './mounts.js';
import { named, nameOf } from './names.js';
import { textTable } from './table.js';

export { textTable } from './table.js';

import { summarize } from './request-card.js';

const STEP_ICON: Record<StepReport['status'], string> = { ok: '✅', failed: '❌', skipped: '⏭️' };
const RESULT_ICON = { succeeded: ':white_check_mark:', partial: ':warning:', failed: ':x:' } as const;

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function stepLine(step: StepReport): string {
  return `${STEP_ICON[step.status]} ${escapeMrkdwn(step.label)} (${secondsText(step.durationMs)})${step.detail ? `: ${escapeMrkdwn(step.detail)}` : ''}`;
}

/** The final result, broadcast from the card's thread: outcome, attachment table, what failed and why. */
export function executionResultMessage(
  request: DiskRequest,
  result: ExecutionResult,
): { text: string; blocks: KnownBlock[] } {
  const headline = `${RESULT_ICON[result.state]} \`${request.id}\` ${escapeMrkdwn(summarize(request))}: *${result.state}*. ${escapeMrkdwn(result.outcome.message)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: headline.slice(0, 3000) } }];
  if (result.attachments.length > 0) {
    const names = result.attachments.map((a) => nameOf(request.params, a.instanceId));
    const withNames = names.some(Boolean);
    const table = textTable(
      ['instance', 'state', 'device', ...(withNames ? ['name'] : [])],
      result.attachments.map((a, i) => [
        a.instanceId,
        a.state,
        a.device || '-',
        ...(withNames ? [names[i] || '-'] : []),
      ]),
    );
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${escapeMrkdwn(table)}\`\`\``.slice(0, 3000) },
    });
  }
  if (result.timeline) {
    const rows = result.timeline.steps.map((s) => [s.label, s.status, secondsText(s.durationMs)]);
    rows.push(['total', '', secondsText(result.timeline.totalMs)]);
    const table = escapeMrkdwn(textTable(['step', 'status', 'took'], rows));
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Timeline*\n\`\`\`${table}\`\`\``.slice(0, 3000) },
    });
  }
  if (result.mounts) blocks.push(...mountTableBlocks(result.mounts));
  if (result.failures.length > 0) {
    const lines = result.failures.map(
      (f) =>
        `• \`${escapeMrkdwn(named(request.params, f.instanceId))}\` *${escapeMrkdwn(f.code)}*: ${escapeMrkdwn(f.message)}`,
    );
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Failed*\n${lines.join('\n')}`.slice(0, 3000) },
    });
  }
  return { text: `${request.id} ${result.state}: ${escapeMrkdwn(result.outcome.message)}`, blocks };
}
