/**
 * DOM helpers for the console page. Text from Block Kit is untrusted: every node is built with
 * createElement and filled with textContent; nothing is ever assigned to innerHTML.
 */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An element the page's HTML shell is known to have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}

// Emoji are drawn as small badges from plain symbols, so they look the same with or without an
// emoji font (headless Chromium on a server has none). Keyed by Slack name; UNICODE maps the
// characters the bot writes directly onto the same names.
const EMOJI: Record<string, readonly [symbol: string, className: string]> = {
  white_check_mark: ['\u2713', 'green'],
  heavy_check_mark: ['\u2713', 'plain'],
  x: ['\u2717', 'red'],
  warning: ['!', 'yellow'],
  rotating_light: ['!', 'red'],
  no_entry: ['\u2013', 'red round'],
  hourglass_flowing_sand: ['\u25f7', 'blue'],
  gear: ['\u2699', 'grey'],
  no_entry_sign: ['\u2298', 'red'],
  alarm_clock: ['\u25f7', 'red'],
  heavy_multiplication_x: ['\u2715', 'grey'],
  inbox_tray: ['\u2193', 'blue'],
  large_green_circle: ['', 'green round'],
  large_orange_circle: ['', 'orange round'],
  red_circle: ['', 'red round'],
  information_source: ['i', 'blue'],
  construction: ['!', 'orange'],
  grey_question: ['?', 'grey'],
  black_right_pointing_double_triangle_with_vertical_bar: ['\u00bb', 'grey'],
  lock: ['\u25a0', 'grey'],
  snowflake: ['\u2744', 'blue'],
  eyes: ['\u25c9', 'grey'],
  hourglass: ['\u25f7', 'grey'],
  wave: ['\u2013', 'grey'],
  white_circle: ['', 'grey round'],
};
const UNICODE: Record<string, string> = {
  '\u2705': 'white_check_mark',
  '\u2714': 'heavy_check_mark',
  '\u274c': 'x',
  '\u26a0': 'warning',
  '\ud83d\udea8': 'rotating_light',
  '\u26d4': 'no_entry',
  '\u23f3': 'hourglass_flowing_sand',
  '\u2699': 'gear',
  '\ud83d\udeab': 'no_entry_sign',
  '\u23f0': 'alarm_clock',
  '\u2716': 'heavy_multiplication_x',
  '\ud83d\udce5': 'inbox_tray',
  '\ud83d\udfe2': 'large_green_circle',
  '\ud83d\udfe0': 'large_orange_circle',
  '\ud83d\udd34': 'red_circle',
  '\u2139': 'information_source',
  '\ud83d\udea7': 'construction',
  '\u2754': 'grey_question',
  '\u23ed': 'black_right_pointing_double_triangle_with_vertical_bar',
  '\ud83d\udd12': 'lock',
};
const EMOJI_RE = /:([a-z0-9_+-]+):|(\p{Extended_Pictographic})\ufe0f?/gu;

/** Appends text, turning known emoji (by :name: or character) into badges. */
export function appendText<T extends Node>(parent: T, value: unknown): T {
  const str = String(value);
  let last = 0;
  for (const m of str.matchAll(EMOJI_RE)) {
    const name = m[1] ?? (m[2] === undefined ? undefined : UNICODE[m[2]]);
    const spec = name !== undefined && Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
    if (!spec || m.index === undefined) continue;
    if (m.index > last) parent.appendChild(document.createTextNode(str.slice(last, m.index)));
    const badge = el('span', `emoji ${spec[1]}`, spec[0]);
    badge.title = `:${name}:`;
    parent.appendChild(badge);
    last = m.index + m[0].length;
  }
  if (last < str.length) parent.appendChild(document.createTextNode(str.slice(last)));
  return parent;
}

/** The plain text of a text object, or of the bare string some elements carry. */
export const plain = (text: { text?: string } | string | undefined): string =>
  typeof text === 'string' ? text : (text?.text ?? '');
