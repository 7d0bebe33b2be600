/**
 * The Block Kit limits Slack enforces on the way in (slack-conventions.md), so a message the real
 * Slack would refuse with `invalid_blocks` is refused by the sandbox too, not silently shown.
 */

const LIMITS = {
  messageBlocks: 50,
  surfaceBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  blockId: 255,
} as const;

type Surface = 'message' | 'modal' | 'home';

interface BlockLike {
  type?: unknown;
  block_id?: unknown;
  text?: { text?: unknown };
  fields?: unknown;
}

const textOf = (value: unknown): string =>
  typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string'
    ? (value as { text: string }).text
    : '';

/** Problems in Slack's wording (`[ERROR] ... [json-pointer:/blocks/2/text]`); empty when acceptable. */
export function blockProblems(blocks: unknown, surface: Surface): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['[ERROR] must be an array [json-pointer:/blocks]'];
  const problems: string[] = [];
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.surfaceBlocks;
  if (blocks.length > max) problems.push(`[ERROR] no more than ${max} items allowed [json-pointer:/blocks]`);
  blocks.forEach((raw: BlockLike, i) => {
    const at = (path: string) => `[json-pointer:/blocks/${i}${path}]`;
    if (typeof raw !== 'object' || raw === null || typeof raw.type !== 'string') {
      problems.push(`[ERROR] missing required field: type ${at('')}`);
      return;
    }
    if (typeof raw.block_id === 'string' && raw.block_id.length > LIMITS.blockId)
      problems.push(`[ERROR] must be less than ${LIMITS.blockId + 1} characters ${at('/block_id')}`);
    if (raw.type === 'header' && textOf(raw.text).length > LIMITS.headerText)
      problems.push(`[ERROR] must be less than ${LIMITS.headerText + 1} characters ${at('/text')}`);
    if (raw.type !== 'section') return;
    if (textOf(raw.text).length > LIMITS.sectionText)
      problems.push(`[ERROR] must be less than ${LIMITS.sectionText + 1} characters ${at('/text')}`);
    if (Array.isArray(raw.fields)) {
      if (raw.fields.length > LIMITS.fields)
        problems.push(`[ERROR] no more than ${LIMITS.fields} items allowed ${at('/fields')}`);
      raw.fields.forEach((field, j) => {
        if (textOf(field).length > LIMITS.fieldText)
          problems.push(`[ERROR] must be less than ${LIMITS.fieldText + 1} characters ${at(`/fields/${j}`)}`);
      });
    }
    if (raw.text === undefined && raw.fields === undefined)
      problems.push(`[ERROR] must provide either text or fields ${at('')}`);
  });
  return problems;
}
