import type { KnownBlock } from '@slack/types';
import type { ExecutionResult, StepReport } from '../../jobs/ports.js';
import type { DiskRequest } from '../../workflow/request.js';
import { escapeMrkdwn } from './escape.js';
import { summarize } from './request-card.js';

const STEP_ICON: Record<StepReport['status'], string> = { ok: '✅', failed: '❌', skipped: '⏭️' };
const RESULT_ICON = { succeeded: ':white_check_mark:', partial: ':warning:', failed: ':x:' } as const;

export function stepLine(step: StepReport): string {
  const seconds = (step.durationMs / 1000).toFixed(1);
  return `${STEP_ICON[step.status]} ${escapeMrkdwn(step.label)} (${seconds} s)${step.detail ? `: ${escapeMrkdwn(step.detail)}` : ''}`;
}

/** A fixed-width table, in a code block so columns line up in every Slack client. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The final result, broadcast from the card's thread: outcome, attachment table, what failed and why. */
export function executionResultMessage(
  request: DiskRequest,
  result: ExecutionResult,
): { text: string; blocks: KnownBlock[] } {
  const headline = `${RESULT_ICON[result.state]} \`${request.id}\` ${escapeMrkdwn(summarize(request))}: *${result.state}*. ${escapeMrkdwn(result.outcome.message)}`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: headline.slice(0, 3000) } }];
  if (result.attachments.length > 0) {
    const table = textTable(
      ['instance', 'state', 'device'],
      result.attachments.map((a) => [a.instanceId, a.state, a.device || '-']),
    );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${table}\`\`\``.slice(0, 3000) } });
  }
  if (result.failures.length > 0) {
    const lines = result.failures.map(
      (f) => `• \`${f.instanceId}\` *${escapeMrkdwn(f.code)}*: ${escapeMrkdwn(f.message)}`,
    );
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Failed*\n${lines.join('\n')}`.slice(0, 3000) },
    });
  }
  return { text: `${request.id} ${result.state}: ${escapeMrkdwn(result.outcome.message)}`, blocks };
}
