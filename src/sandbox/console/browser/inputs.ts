/**
 * Modal input blocks: plain_text_input, number_input, static_select, checkboxes, and the external selects
 * (picker.ts). Each rendered block registers a reader that gives its value in Slack's
 * `view.state.values` shape plus the problem Slack's client would show before submitting.
 */
import { appendText, el, plain } from './dom.js';
import { textObject } from './mrkdwn.js';
import { externalSelect } from './picker.js';
import type { Block, BlockElement, Option, Reading, RenderContext, StateValues } from './types.js';

interface InputReader {
  readonly blockId: string;
  readonly actionId: string;
  read(): Reading;
}

const readers = new WeakMap<Element, InputReader>();

function textInput(e: BlockElement, optional: boolean): { control: HTMLElement; read: () => Reading } {
  const control = e.multiline ? el('textarea') : el('input');
  if (e.initial_value) control.value = e.initial_value;
  if (e.max_length) control.maxLength = e.max_length;
  if (e.placeholder) control.placeholder = plain(e.placeholder);
  const read = (): Reading => {
    const text = control.value === '' ? null : control.value;
    const value = { type: e.type, value: text };
    if (text === null) return optional ? { value } : { value, problem: 'Please fill out this field.' };
    if (e.min_length && text.length < e.min_length)
      return { value, problem: `Please use at least ${e.min_length} characters.` };
    return { value };
  };
  return { control, read };
}

function numberInput(e: BlockElement, optional: boolean): { control: HTMLElement; read: () => Reading } {
  const control = el('input');
  control.type = 'number';
  if (e.min_value) control.min = e.min_value;
  if (e.max_value) control.max = e.max_value;
  control.step = e.is_decimal_allowed ? 'any' : '1';
  if (e.initial_value) control.value = e.initial_value;
  if (e.placeholder) control.placeholder = plain(e.placeholder);
  const read = (): Reading => {
    const text = control.value === '' ? null : control.value;
    const value = { type: e.type, value: text };
    if (text === null) return optional ? { value } : { value, problem: 'Please fill out this field.' };
    if (!control.checkValidity())
      return {
        value,
        problem: `Please enter a number between ${control.min || '-'} and ${control.max || '-'}.`,
      };
    return { value };
  };
  return { control, read };
}

function staticSelect(e: BlockElement, optional: boolean): { control: HTMLElement; read: () => Reading } {
  const control = el('select');
  const blank = el('option', '', plain(e.placeholder) || 'Select an option');
  blank.value = '';
  control.appendChild(blank);
  const options: Option[] = e.options ?? [];
  for (const o of options) {
    const opt = el('option', '', plain(o.text));
    opt.value = o.value;
    if (e.initial_option?.value === o.value) opt.selected = true;
    control.appendChild(opt);
  }
  const read = (): Reading => {
    const selected = options.find((o) => o.value === control.value) ?? null;
    const value = { type: 'static_select' as const, selected_option: selected };
    return selected || optional ? { value } : { value, problem: 'Please select an option.' };
  };
  return { control, read };
}

/** Slack's `checkboxes`: every ticked option, in the order shown, as `selected_options`. */
function checkboxes(
  e: BlockElement,
  optional: boolean,
  ctx: RenderContext,
): { control: HTMLElement; read: () => Reading } {
  const control = el('div', 'checkboxes');
  const options: Option[] = e.options ?? [];
  const initial = new Set((e.initial_options ?? []).map((o) => o.value));
  const boxes = options.map((o) => {
    const row = el('label', 'checkbox');
    const box = el('input');
    box.type = 'checkbox';
    box.value = o.value;
    box.checked = initial.has(o.value);
    const text = el('span');
    text.appendChild(textObject(o.text, ctx));
    if (o.description) text.appendChild(el('div', 'hint', plain(o.description)));
    row.append(box, text);
    control.appendChild(row);
    return box;
  });
  const read = (): Reading => {
    const selected = options.filter((_, i) => boxes[i]?.checked);
    const value = { type: 'checkboxes' as const, selected_options: selected };
    return selected.length || optional ? { value } : { value, problem: 'Please select an option.' };
  };
  return { control, read };
}

function control(
  block: Block,
  ctx: RenderContext,
): { control: HTMLElement; read: () => Reading } | undefined {
  const e = block.element;
  const optional = block.optional === true;
  switch (e?.type) {
    case 'plain_text_input':
      return textInput(e, optional);
    case 'number_input':
      return numberInput(e, optional);
    case 'static_select':
      return staticSelect(e, optional);
    case 'checkboxes':
      return checkboxes(e, optional, ctx);
    case 'external_select':
    case 'multi_external_select':
      return externalSelect(e, block.block_id ?? '', optional, ctx);
    default:
      return undefined;
  }
}

export function inputBlock(block: Block, ctx: RenderContext): HTMLElement {
  const wrap = el('div', 'input-block');
  const blockId = block.block_id ?? '';
  const actionId = block.element?.action_id ?? '';
  wrap.dataset.blockId = blockId;
  const label = appendText(el('label'), plain(block.label));
  if (block.optional) label.appendChild(el('span', 'optional', ' (optional)'));
  wrap.appendChild(label);
  const made = control(block, ctx);
  if (!made) {
    wrap.appendChild(el('div', 'unsupported', `Unsupported input element: ${block.element?.type}`));
    return wrap;
  }
  const { control: node, read } = made;
  node.dataset.blockId = blockId;
  node.dataset.actionId = actionId;
  node.dataset.type = block.element?.type ?? '';
  const field = node.matches('input, select, textarea') ? node : node.querySelector('input');
  if (field) {
    field.id = `input-${blockId || Math.random().toString(36).slice(2)}`;
    label.htmlFor = field.id;
  }
  wrap.appendChild(node);
  if (block.hint) wrap.appendChild(el('div', 'hint', plain(block.hint)));
  wrap.appendChild(el('div', 'error'));
  readers.set(wrap, { blockId, actionId, read });
  return wrap;
}

/** Every input's value in Slack's `view.state.values` shape, and the problems to show first. */
export function collect(form: Element): { values: StateValues; problems: Record<string, string> } {
  const values: StateValues = {};
  const problems: Record<string, string> = {};
  for (const wrap of form.querySelectorAll('.input-block')) {
    const reader = readers.get(wrap);
    if (!reader) continue;
    const { value, problem } = reader.read();
    values[reader.blockId] = { ...values[reader.blockId], [reader.actionId]: value };
    if (problem) problems[reader.blockId] = problem;
  }
  return { values, problems };
}

export function showErrors(form: Element, errors: Record<string, string>): void {
  for (const b of form.querySelectorAll<HTMLElement>('.input-block')) {
    const msg = errors[b.dataset.blockId ?? ''] ?? '';
    b.classList.toggle('has-error', msg !== '');
    const box = b.querySelector('.error');
    if (box) box.textContent = msg;
  }
}
