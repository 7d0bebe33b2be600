/**
 * Slack's documented Block Kit limits (docs.slack.dev/reference/block-kit) and the helpers every
 * builder uses to stay inside them. Long content is shortened explicitly ("… and 6 more"), never
 * cut mid-word by a bare `.slice`. `limits-check.ts` validates a whole payload against the same
 * numbers; the sandbox's Slack stand-in refuses what it reports, as Slack does.
 */
export const SLACK_LIMITS = {
  /** Blocks per message, and per modal or Home tab. */
  messageBlocks: 50,
  surfaceBlocks: 100,
  /** Top-level `text` of a message; Slack truncates beyond it. */
  messageText: 40_000,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  callbackId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  options: 100,
  optionText: 75,
  optionValue: 150,
} as const;

const ELLIPSIS = '…';

/**
 * Shortens `text` to at most `max` characters, ending in "…". It never leaves half of an
 * `&amp;`-style escape or of a `<@U…>`/`<!date…>` token behind, so the cut stays valid mrkdwn.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const openAngle = cut.lastIndexOf('<');
  if (openAngle > cut.lastIndexOf('>')) cut = cut.slice(0, openAngle);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';') && cut.length - amp <= 5) cut = cut.slice(0, amp);
  // An unbalanced code span or fence would swallow the rest of the message.
  if ((cut.match(/```/g)?.length ?? 0) % 2 === 1) cut = `${cut}\`\`\``.slice(0, max - ELLIPSIS.length);
  return `${cut.trimEnd()}${ELLIPSIS}`;
}

/**
 * Joins as many items as fit within `max` characters, then says how many were left out:
 * `a, b, c … and 6 more`. Items are never cut; if none fits, only the count is given.
 */
export function joinWithin(
  items: readonly string[],
  max: number,
  options: { separator?: string; more?: (hidden: number) => string } = {},
): string {
  const separator = options.separator ?? ', ';
  const more = options.more ?? ((hidden: number) => `${ELLIPSIS} and ${hidden} more`);
  const all = items.join(separator);
  if (all.length <= max) return all;
  let shown = 0;
  let length = 0;
  for (const item of items) {
    const next = length + (shown > 0 ? separator.length : 0) + item.length;
    const tail = more(items.length - shown - 1);
    if (next + 1 + tail.length > max) break;
    length = next;
    shown++;
  }
  const head = items.slice(0, shown).join(separator);
  const tail = more(items.length - shown);
  return clip(head ? `${head}${separator === '\n' ? '\n' : ' '}${tail}` : tail, max);
}

/** Lines of mrkdwn grouped into chunks that each fit one section (for long lists). */
export function chunkLines(lines: readonly string[], max: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (chunk && chunk.length + 1 + line.length > max) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}

/** A fenced code block of at most `max` characters; the content is shortened, the fence kept. */
export function codeBlock(content: string, max: number = SLACK_LIMITS.sectionText, prefix = ''): string {
  const fence = '```';
  const body = content.replace(/```/g, "'''");
  const room = max - prefix.length - 2 * fence.length;
  return `${prefix}${fence}${body.length <= room ? body : clip(body, room)}${fence}`;
}

/** `1 instance`, `16 instances`, `0 approvals`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A plain, readable UTC time for clients that cannot render a date token: `2026-11-30 10:23 UTC`. */
export function plainTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A time as Slack's `<!date^…>` token (shown in each reader's time zone), with a plain fallback. */
export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(ms / 1000)}^${format}|${plainTime(ms)}>`;
}

const ISO_TIME = /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z)\b/g;

/**
 * Domain messages name times as ISO 8601 (`…at 2026-11-30T10:23:05.000Z`); in Slack each becomes
 * a date token shown in the reader's time zone, with the plain UTC time as fallback.
 */
export function withSlackDates(text: string): string {
  return text.replace(ISO_TIME, (iso) => {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? iso : slackDate(ms);
  });
}
