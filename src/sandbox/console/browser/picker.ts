/**
 * `external_select` and `multi_external_select` as Slack's client runs them: once the user has
 * typed `min_query_length` characters (Slack's default is 3), the client sends the app a
 * `block_suggestion` with what was typed and shows the options or option groups the app answers
 * with. The selection goes into `view.state.values` as `selected_option` or `selected_options`.
 */
import { appendText, el, plain } from './dom.js';
import type { BlockElement, Option, OptionGroup, Reading, RenderContext, SuggestReply } from './types.js';

const DEFAULT_MIN_QUERY_LENGTH = 3;
const DEBOUNCE_MS = 250;
/** Slack shows at most 100 options from an app; the console server refuses more, as an error. */
const MAX_OPTIONS = 100;

type Groups = { label: string; options: Option[] }[];

function groupsOf(reply: SuggestReply & { ok: true }): Groups {
  if (reply.option_groups)
    return reply.option_groups.map((g: OptionGroup) => ({ label: plain(g.label), options: g.options ?? [] }));
  return [{ label: '', options: reply.options ?? [] }];
}

export function externalSelect(
  e: BlockElement,
  blockId: string,
  optional: boolean,
  ctx: RenderContext,
): { control: HTMLElement; read: () => Reading } {
  const multi = e.type === 'multi_external_select';
  const minQuery = e.min_query_length ?? DEFAULT_MIN_QUERY_LENGTH;
  const maxSelected = multi ? (e.max_selected_items ?? Number.POSITIVE_INFINITY) : 1;
  let selected: Option[] = multi
    ? [...(e.initial_options ?? [])]
    : e.initial_option
      ? [e.initial_option]
      : [];
  let asked = 0;
  let timer = 0;

  const root = el('div', 'picker');
  const chips = el('div', 'picker-chips');
  const input = el('input');
  input.type = 'text';
  input.autocomplete = 'off';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.placeholder = plain(e.placeholder) || (multi ? 'Select options' : 'Select an option');
  const menu = el('div', 'picker-menu');
  menu.setAttribute('role', 'listbox');
  menu.hidden = true;
  root.append(chips, input, menu);

  // A changed selection clears the field's error, as Slack's client does.
  const changed = (): void => {
    const wrap = root.closest('.input-block');
    wrap?.classList.remove('has-error');
    const error = wrap?.querySelector('.error');
    if (error) error.textContent = '';
    drawChips();
  };

  const drawChips = (): void => {
    chips.replaceChildren(
      ...selected.map((o) => {
        const chip = appendText(el('span', 'picker-chip'), plain(o.text));
        chip.dataset.value = o.value;
        const remove = el('button', 'picker-remove', '\u00d7');
        remove.type = 'button';
        remove.title = `Remove ${plain(o.text)}`;
        remove.addEventListener('click', () => {
          selected = selected.filter((s) => s.value !== o.value);
          changed();
        });
        chip.appendChild(remove);
        return chip;
      }),
    );
    input.disabled = multi && selected.length >= maxSelected;
  };

  const note = (text: string, className = 'picker-note'): void => {
    menu.replaceChildren(el('div', className, text));
    menu.hidden = false;
  };

  const choose = (o: Option): void => {
    selected = multi ? [...selected, o] : [o];
    input.value = '';
    menu.hidden = true;
    changed();
  };

  const drawMenu = (groups: Groups): void => {
    const taken = new Set(selected.map((s) => s.value));
    const nodes: HTMLElement[] = [];
    let shown = 0;
    for (const group of groups) {
      const options = group.options.filter((o) => !taken.has(o.value)).slice(0, MAX_OPTIONS - shown);
      if (!options.length) continue;
      if (group.label) nodes.push(el('div', 'picker-group', group.label));
      for (const o of options) {
        const item = appendText(el('div', 'picker-option'), plain(o.text));
        item.setAttribute('role', 'option');
        item.dataset.value = o.value;
        if (o.description) item.appendChild(el('small', 'muted', ` ${plain(o.description)}`));
        // mousedown, not click: the input must not lose focus (and close the menu) first.
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(o);
        });
        nodes.push(item);
      }
      shown += options.length;
    }
    if (!nodes.length) note('No results');
    else {
      menu.replaceChildren(...nodes);
      menu.hidden = false;
    }
  };

  const ask = async (): Promise<void> => {
    const value = input.value;
    if (value.length < minQuery) {
      note(`Type at least ${minQuery} character${minQuery === 1 ? '' : 's'}`);
      return;
    }
    if (!ctx.suggest) return note('This surface cannot load options.', 'picker-note error');
    const mine = ++asked;
    note('Loading\u2026');
    const reply = await ctx
      .suggest({ actionId: e.action_id ?? '', blockId, value })
      .catch((error: unknown): SuggestReply => ({ ok: false, error: String(error) }));
    if (mine !== asked || document.activeElement !== input) return;
    if (!reply.ok) return note(`Couldn\u2019t load options: ${reply.error}`, 'picker-note error');
    drawMenu(groupsOf(reply));
  };

  const schedule = (): void => {
    clearTimeout(timer);
    timer = window.setTimeout(() => void ask(), DEBOUNCE_MS);
  };
  input.addEventListener('input', schedule);
  input.addEventListener('focus', schedule);
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    asked += 1;
    menu.hidden = true;
  });
  input.addEventListener('keydown', (event) => {
    // Enter picks the first option instead of submitting the modal; Escape closes the menu only.
    if (event.key === 'Enter') {
      event.preventDefault();
      menu.querySelector<HTMLElement>('.picker-option')?.dispatchEvent(new MouseEvent('mousedown'));
    } else if (event.key === 'Escape' && !menu.hidden) {
      event.preventDefault();
      event.stopPropagation();
      menu.hidden = true;
    }
  });
  drawChips();

  const read = (): Reading => {
    const value = multi
      ? { type: 'multi_external_select' as const, selected_options: selected }
      : { type: 'external_select' as const, selected_option: selected[0] ?? null };
    return selected.length || optional ? { value } : { value, problem: 'Please select an option.' };
  };
  return { control: root, read };
}
