/**
 * Slack's mrkdwn in the browser: code blocks, inline code, bold/italic/strike, links, user and
 * channel mentions, special mentions and `<!date^…>` tokens. Links are kept only for http(s) URLs.
 */
import { appendText, el } from './dom.js';
import type { RenderContext, TextObject } from './types.js';

const FENCE = '```';

type Names = Pick<RenderContext, 'userName' | 'channelName'>;

const decode = (text: string): string =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const pad = (n: number): string => (n < 10 ? '0' : '') + n;

export function formatDate(seconds: number, format: string): string {
  const d = new Date(seconds * 1000);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.toDateString() === new Date().toDateString();
  const long = d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric' });
  const short = d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
  const weekday = d.toLocaleDateString('en-US', {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  });
  const map: Record<string, string> = {
    date_num: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    date: long,
    date_short: short,
    date_long: weekday,
    date_pretty: sameDay ? 'Today' : long,
    date_short_pretty: sameDay ? 'Today' : short,
    date_long_pretty: sameDay ? 'Today' : weekday,
    time,
    time_secs: `${time}:${pad(d.getSeconds())}`,
    ago: `${Math.max(0, Math.round((Date.now() - d.getTime()) / 60000))} minutes ago`,
  };
  return format.replace(/\{([a-z_]+)\}/g, (all, key: string) => map[key] || all);
}

/** One <…> construct of Slack's mrkdwn: mentions, channels, dates, links. */
function special(token: string, parent: Node, names: Names): void {
  const bar = token.indexOf('|');
  const head = bar < 0 ? token : token.slice(0, bar);
  const label = bar < 0 ? '' : decode(token.slice(bar + 1));
  if (/^@[UW][A-Z0-9]+$/.test(head)) {
    parent.appendChild(el('span', 'mention', `@${names.userName(head.slice(1))}`));
  } else if (/^#[CG][A-Z0-9]+$/.test(head)) {
    parent.appendChild(el('span', 'mention', `#${label || names.channelName(head.slice(1))}`));
  } else if (/^!date\^\d+\^/.test(head)) {
    const parts = head.split('^');
    const span = el('span', 'slack-date', formatDate(Number(parts[1]), decode(parts[2] || '{date}')));
    if (label) span.title = label;
    parent.appendChild(span);
  } else if (/^!(here|channel|everyone)$/.test(head)) {
    parent.appendChild(el('span', 'mention', `@${head.slice(1)}`));
  } else if (/^!subteam\^/.test(head)) {
    parent.appendChild(el('span', 'mention', label || '@group'));
  } else if (/^https?:\/\//i.test(head)) {
    const a = el('a', '', label || decode(head));
    a.href = decode(head);
    if (!head.startsWith(location.origin)) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
    parent.appendChild(a);
  } else {
    parent.appendChild(document.createTextNode(decode(`<${token}>`)));
  }
}

// *bold*, _italic_, ~strike~ only at word boundaries, as Slack does (so cloud_essd stays plain).
const STYLE = /(^|[^\w*_~])([*_~])(?=\S)([^\n]*?\S)\2(?![\w*_~])/;
const STYLE_TAG = { '*': 'b', _: 'i', '~': 's' } as const;

function styled(text: string, parent: Node): void {
  let rest = text;
  while (rest) {
    const m = STYLE.exec(rest);
    if (!m) {
      appendText(parent, decode(rest));
      return;
    }
    const before = rest.slice(0, m.index) + (m[1] ?? '');
    if (before) appendText(parent, decode(before));
    const node = el(STYLE_TAG[m[2] as keyof typeof STYLE_TAG]);
    styled(m[3] ?? '', node);
    parent.appendChild(node);
    rest = rest.slice(m.index + m[0].length);
  }
}

/** Splits `text` on `re`; the gaps go to `between`, each match to `onMatch`. */
function split(
  text: string,
  re: RegExp,
  between: (part: string) => void,
  onMatch: (m: RegExpMatchArray) => void,
): void {
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) between(text.slice(last, at));
    onMatch(m);
    last = at + m[0].length;
  }
  if (last < text.length) between(text.slice(last));
}

function inline(text: string, parent: Node, names: Names): void {
  const angled = (part: string) =>
    split(
      part,
      /<([^<>\n]+)>/g,
      (plainPart) => styled(plainPart, parent),
      (m) => special(m[1] ?? '', parent, names),
    );
  split(text, /`([^`\n]+)`/g, angled, (m) => parent.appendChild(el('code', '', decode(m[1] ?? ''))));
}

export function mrkdwn(text: unknown, names: Names): HTMLDivElement {
  const root = el('div', 'mrkdwn');
  const parts = String(text).split(FENCE);
  parts.forEach((part, i) => {
    const closed = i < parts.length - 1;
    if (i % 2 === 1 && closed) root.appendChild(el('pre', 'code-block', decode(part).replace(/^\n/, '')));
    else inline((i % 2 === 1 ? FENCE : '') + part, root, names);
  });
  return root;
}

export function textObject(obj: TextObject | undefined, names: Names): HTMLElement {
  if (!obj) return el('span');
  if (obj.type === 'mrkdwn') return mrkdwn(obj.text ?? '', names);
  return obj.emoji === false
    ? el('div', 'mrkdwn', obj.text)
    : appendText(el('div', 'mrkdwn'), obj.text ?? '');
}
