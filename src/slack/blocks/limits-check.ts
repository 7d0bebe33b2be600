/**
 * Checks a message, modal or Home payload against Slack's Block Kit limits (`limits.ts`) and
 * reports each problem in Slack's own wording with a JSON pointer, as `invalid_blocks` does:
 * `[ERROR] must be less than 301 characters [json-pointer:/blocks/6/elements/0/confirm/text/text]`.
 * Used by the sandbox's Slack stand-in (so it refuses what Slack refuses) and by the limits test.
 */
import { SLACK_LIMITS as L } from './limits.js';

export type Surface = 'message' | 'modal' | 'home';

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null;
const textOf = (value: unknown): string | undefined =>
  isObj(value) && typeof value.text === 'string' ? value.text : undefined;

class Problems {
  readonly list: string[] = [];
  add(message: string, path: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${path}]`);
  }
  maxLength(value: unknown, max: number, path: string): void {
    if (typeof value === 'string' && value.length > max)
      this.add(`must be less than ${max + 1} characters`, path);
  }
  maxItems(value: unknown, max: number, path: string): void {
    if (Array.isArray(value) && value.length > max) this.add(`no more than ${max} items allowed`, path);
  }
  /** A text object (`{type, text}`) whose `text` must stay within `max`. */
  text(value: unknown, max: number, path: string, required = false): void {
    const text = textOf(value);
    if (text === undefined) {
      if (required) this.add('missing required field: text', path);
      return;
    }
    if (required && text.length === 0) this.add('must be more than 0 characters', `${path}/text`);
    this.maxLength(text, max, `${path}/text`);
  }
}

function checkConfirm(p: Problems, confirm: unknown, path: string): void {
  if (!isObj(confirm)) return;
  p.text(confirm.title, L.confirmTitle, `${path}/title`, true);
  p.text(confirm.text, L.confirmText, `${path}/text`, true);
  p.text(confirm.confirm, L.confirmButton, `${path}/confirm`, true);
  p.text(confirm.deny, L.confirmButton, `${path}/deny`, true);
}

function checkOptions(p: Problems, options: unknown, path: string): void {
  if (!Array.isArray(options)) return;
  p.maxItems(options, L.options, path);
  options.forEach((option, i) => {
    if (!isObj(option)) return;
    p.text(option.text, L.optionText, `${path}/${i}/text`, true);
    p.maxLength(option.value, L.optionValue, `${path}/${i}/value`);
  });
}

/** An interactive element inside actions, section accessories or inputs. */
function checkElement(p: Problems, element: unknown, path: string): void {
  if (!isObj(element)) return;
  p.maxLength(element.action_id, L.actionId, `${path}/action_id`);
  p.text(element.placeholder, L.placeholder, `${path}/placeholder`);
  checkConfirm(p, element.confirm, `${path}/confirm`);
  if (element.type === 'button') {
    p.text(element.text, L.buttonText, `${path}/text`, true);
    p.maxLength(element.value, L.buttonValue, `${path}/value`);
  }
  checkOptions(p, element.options, `${path}/options`);
  if (Array.isArray(element.option_groups)) {
    for (const [i, group] of element.option_groups.entries())
      checkOptions(p, isObj(group) ? group.options : undefined, `${path}/option_groups/${i}/options`);
  }
}

function checkBlock(p: Problems, block: unknown, path: string, blockIds: Set<string>): void {
  if (!isObj(block) || typeof block.type !== 'string') {
    p.add('missing required field: type', path);
    return;
  }
  if (typeof block.block_id === 'string') {
    p.maxLength(block.block_id, L.blockId, `${path}/block_id`);
    if (blockIds.has(block.block_id)) p.add('duplicate block_id', `${path}/block_id`);
    blockIds.add(block.block_id);
  }
  switch (block.type) {
    case 'header':
      p.text(block.text, L.headerText, `${path}/text`, true);
      return;
    case 'section':
      p.text(block.text, L.sectionText, `${path}/text`);
      if (block.text === undefined && block.fields === undefined)
        p.add('must provide either text or fields', path);
      if (Array.isArray(block.fields)) {
        p.maxItems(block.fields, L.fields, `${path}/fields`);
        for (const [i, field] of block.fields.entries())
          p.text(field, L.fieldText, `${path}/fields/${i}`, true);
      }
      checkElement(p, block.accessory, `${path}/accessory`);
      return;
    case 'context':
      p.maxItems(block.elements, L.contextElements, `${path}/elements`);
      if (Array.isArray(block.elements))
        for (const [i, e] of block.elements.entries()) p.text(e, L.contextText, `${path}/elements/${i}`);
      return;
    case 'actions': {
      p.maxItems(block.elements, L.actionsElements, `${path}/elements`);
      const actionIds = new Set<string>();
      if (!Array.isArray(block.elements)) return;
      block.elements.forEach((element, i) => {
        checkElement(p, element, `${path}/elements/${i}`);
        const id = isObj(element) ? element.action_id : undefined;
        if (typeof id !== 'string') return;
        if (actionIds.has(id)) p.add('duplicate action_id', `${path}/elements/${i}/action_id`);
        actionIds.add(id);
      });
      return;
    }
    case 'input':
      p.text(block.label, L.inputLabel, `${path}/label`, true);
      p.text(block.hint, L.inputHint, `${path}/hint`);
      checkElement(p, block.element, `${path}/element`);
      return;
    default:
      return;
  }
}

/** Problems of a `blocks` array on a surface; empty when Slack would accept it. */
export function blocksProblems(blocks: unknown, surface: Surface, base = '/blocks'): string[] {
  const p = new Problems();
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) {
    p.add('must be an array', base);
    return p.list;
  }
  p.maxItems(blocks, surface === 'message' ? L.messageBlocks : L.surfaceBlocks, base);
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) checkBlock(p, block, `${base}/${i}`, blockIds);
  return p.list;
}

/** A modal or Home view: its blocks plus title, submit, close, callback id and metadata. */
export function viewProblems(view: unknown): string[] {
  if (!isObj(view)) return ['[ERROR] must be an object [json-pointer:/view]'];
  const surface: Surface = view.type === 'home' ? 'home' : 'modal';
  const p = new Problems();
  if (surface === 'modal') {
    p.text(view.title, L.viewTitle, '/view/title', true);
    p.text(view.submit, L.viewSubmit, '/view/submit');
    p.text(view.close, L.viewClose, '/view/close');
  }
  p.maxLength(view.callback_id, L.callbackId, '/view/callback_id');
  p.maxLength(view.private_metadata, L.privateMetadata, '/view/private_metadata');
  return [...p.list, ...blocksProblems(view.blocks, surface, '/view/blocks')];
}

/**
 * A message (`chat.postMessage`, `chat.update`, a response_url body). With `strict`, a message
 * with blocks must also carry a top-level `text` fallback (for notifications and screen readers);
 * Slack only warns about that, so the stand-in does not refuse it.
 */
export function messageProblems(message: { text?: unknown; blocks?: unknown }, strict = false): string[] {
  const p = new Problems();
  p.maxLength(message.text, L.messageText, '/text');
  if (strict && message.blocks !== undefined && !(typeof message.text === 'string' && message.text.trim()))
    p.add('missing required field: text (fallback for messages with blocks)', '/text');
  return [...p.list, ...blocksProblems(message.blocks, 'message')];
}
