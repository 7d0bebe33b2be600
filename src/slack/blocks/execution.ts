import type { KnownBlock } from '@slack/types';
import type { AttachmentRow, ExecutionResult, StepReport } from '../../app/ports.js';
import { type IdNames, namedId, nameIds } from '../../workflow/names.js';
import type { DiskRequest } from '../../workflow/request.js';
import { escapeMrkdwn } from './escape.js';
import { chunkLines, clip, codeBlock, joinWithin, plural, SLACK_LIMITS } from './limits.js';
import { mountTableBlocks } from './mounts.js';
import { namesOf } from './names.js';
import { textTable } from './table.js';

export { textTable } from './table.js';

import { retryButtonBlock, summarize } from './request-card.js';

const STEP_ICON: Record<StepReport['status'], string> = { ok: '✅', failed: '❌', skipped: '⏭️' };
const RESULT_ICON = { succeeded: ':white_check_mark:', partial: ':warning:', failed: ':x:' } as const;

const secondsText = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) },
});

/** One progress line of the thread; a long cloud error is shortened, never the step name. */
export function stepLine(step: StepReport, names?: IdNames): string {
  const detail = step.detail ? `: ${escapeMrkdwn(clip(nameIds(step.detail, names), 600))}` : '';
  return `${STEP_ICON[step.status]} ${escapeMrkdwn(clip(nameIds(step.label, names), 200))} (${secondsText(step.durationMs)})${detail}`;
}

/** The thread line when a run starts: how many cloud calls, in words. */
export function startedLine(request: DiskRequest): string {
  return `:gear: Running ${plural(request.plan.length, 'planned call')}.`;
}

/**
 * One device name per attachment: the guest's (`/dev/nvme1n1`, what people type in the shell)
 * when Cloud Assistant reported it, otherwise the name the ECS API gives (`/dev/xvdb`), marked.
 */
function deviceOf(row: AttachmentRow, result: ExecutionResult): string {
  const guest = result.mounts?.rows.find((r) => r.instanceId === row.instanceId)?.device;
  if (guest) return guest;
  return row.device ? `${row.device} (ECS name)` : '-';
}

/**
 * The final result, broadcast from the card's thread: the requester mentioned, the outcome, the
 * attachment table, what failed at which instance and why (the cloud's code), and Retry when
 * something failed. Every part is shortened to Slack's limits.
 */
export function executionResultMessage(
  request: DiskRequest,
  result: ExecutionResult,
): { text: string; blocks: KnownBlock[] } {
  // The request's own names, then those the mount table read for instances it did not name.
  const known = { ...result.mounts?.names, ...namesOf(request.params) };
  const headline = `${RESULT_ICON[result.state]} <@${request.requesterId}> \`${request.id}\` ${escapeMrkdwn(summarize(request, { maxChars: 300 }))}: *${result.state}*. ${escapeMrkdwn(nameIds(result.outcome.message, known))}`;
  const blocks: KnownBlock[] = [section(headline)];
  if (result.attachments.length > 0) {
    const names = result.attachments.map((a) => known[a.instanceId]);
    const withNames = names.some(Boolean);
    const table = textTable(
      ['instance', 'state', 'device', ...(withNames ? ['name'] : [])],
      result.attachments.map((a, i) => [
        a.instanceId,
        a.state,
        deviceOf(a, result),
        ...(withNames ? [clip(names[i] || '-', 40)] : []),
      ]),
    );
    blocks.push(section(codeBlock(escapeMrkdwn(table))));
  }
  if (result.timeline) {
    const rows = result.timeline.steps.map((s) => [clip(s.label, 80), s.status, secondsText(s.durationMs)]);
    rows.push(['total', '', secondsText(result.timeline.totalMs)]);
    const table = escapeMrkdwn(textTable(['step', 'status', 'took'], rows));
    blocks.push(section(codeBlock(table, SLACK_LIMITS.sectionText, '*Timeline*\n')));
  }
  if (result.mounts) blocks.push(...mountTableBlocks({ ...result.mounts, names: known }));
  if (result.failures.length > 0) {
    const lines = result.failures.map(
      (f) =>
        `• \`${escapeMrkdwn(namedId(known, f.instanceId))}\` *${escapeMrkdwn(f.code)}*: ${escapeMrkdwn(clip(nameIds(f.message, known), 500))}`,
    );
    const [first = ''] = chunkLines([
      joinWithin(lines, SLACK_LIMITS.sectionText - 20, {
        separator: '\n',
        more: (n) => `… and ${plural(n, 'more failure')}`,
      }),
    ]);
    blocks.push(section(`*Failed*\n${first}`));
  }
  if (result.state !== 'succeeded') blocks.push(retryButtonBlock(request));
  const text = `${request.id} ${result.state}: ${escapeMrkdwn(nameIds(result.outcome.message, known))} · requested by <@${request.requesterId}>`;
  return { text: clip(text, 3000), blocks };
}
