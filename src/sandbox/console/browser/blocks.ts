/**
 * The Block Kit renderer. It renders what the bot sends: header, section (text, fields, button
 * accessory), context, actions (buttons with style and confirm), divider and input (see inputs.ts).
 * Anything else is shown as "unsupported" so a new block type is noticed, not dropped.
 */
import { appendText, el, plain } from './dom.js';
import { inputBlock } from './inputs.js';
import { textObject } from './mrkdwn.js';
import type { Block, BlockElement, RenderContext } from './types.js';

function button(element: BlockElement, block: Block, ctx: RenderContext): HTMLButtonElement {
  const label = plain(element.text);
  const b = appendText(el('button', `btn${element.style ? ` ${element.style}` : ''}`), label);
  b.type = 'button';
  b.dataset.actionId = element.action_id ?? '';
  b.addEventListener('click', async () => {
    const ok = element.confirm ? await ctx.confirm(element.confirm, element.style) : true;
    if (!ok) return;
    b.disabled = true;
    const action = {
      actionId: element.action_id ?? '',
      blockId: block.block_id ?? '',
      value: element.value ?? '',
      text: label,
    };
    await ctx.onAction(action).finally(() => {
      b.disabled = false;
    });
  });
  return b;
}

function element(element: BlockElement, block: Block, ctx: RenderContext): HTMLElement {
  if (element.type === 'button') return button(element, block, ctx);
  if (element.type === 'mrkdwn' || element.type === 'plain_text')
    return textObject({ type: element.type, text: plain(element.text), emoji: element.emoji !== false }, ctx);
  if (element.type === 'image') return el('span', 'muted', `[${element.alt_text || 'image'}]`);
  return el('span', 'unsupported', `Unsupported element: ${element.type}`);
}

function section(b: Block, ctx: RenderContext): HTMLElement {
  const node = el('div', 'block block-section');
  const main = el('div');
  if (b.text) main.appendChild(textObject(b.text, ctx));
  if (b.fields) {
    const grid = el('div', 'section-fields');
    for (const f of b.fields) grid.appendChild(textObject(f, ctx));
    main.appendChild(grid);
  }
  node.appendChild(main);
  if (b.accessory) {
    node.classList.add('section-with-accessory');
    node.appendChild(element(b.accessory, b, ctx));
  }
  return node;
}

function elementRow(className: string, b: Block, ctx: RenderContext): HTMLElement {
  const node = el('div', className);
  for (const e of b.elements ?? []) node.appendChild(element(e, b, ctx));
  return node;
}

function block(b: Block, ctx: RenderContext): HTMLElement {
  let node: HTMLElement;
  switch (b.type) {
    case 'header':
      node = appendText(el('div', 'block block-header'), plain(b.text));
      break;
    case 'section':
      node = section(b, ctx);
      break;
    case 'context':
      node = elementRow('block block-context', b, ctx);
      break;
    case 'actions':
      node = elementRow('block block-actions', b, ctx);
      break;
    case 'divider':
      node = el('hr', 'block-divider');
      break;
    case 'input':
      node = inputBlock(b, ctx);
      break;
    default:
      node = el('div', 'block unsupported', `Unsupported block: ${b.type}`);
  }
  if (b.block_id) node.dataset.blockId = b.block_id;
  return node;
}

export function blocks(list: Block[] | undefined, ctx: RenderContext): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const b of list ?? []) frag.appendChild(block(b, ctx));
  return frag;
}
