/**
 * The console page: user picker, channels with threads and ephemeral messages, App Home, modals
 * and the composer. The server's event stream says "something changed"; the page then fetches the
 * current user's view of the workspace and redraws. Every click or submit is one POST to the
 * console, which turns it into a signed Slack request to the bot.
 */
import { api, messageOf, toast } from './api.js';
import { blocks } from './blocks.js';
import { byId, el } from './dom.js';
import { confirmDialog, forgetModal, renderModal } from './modal.js';
import { mrkdwn } from './mrkdwn.js';
import type { Message, Person, RenderContext, Snapshot } from './types.js';
import { setUpWorkflowStep } from './workflow-step.js';

const state = {
  users: [] as Person[],
  channels: [] as Person[],
  user: '',
  view: '',
  snap: null as Snapshot | null,
  open: new Set<string>(),
  highlight: '',
};

function userName(id: string): string {
  if (id === 'U0DISKBOT') return 'diskbot';
  if (id === 'USLACKBOT') return 'Slackbot';
  return state.users.find((u) => u.id === id)?.name ?? id;
}
const channelName = (id: string): string => state.channels.find((c) => c.id === id)?.name ?? id;

function timeOf(ts: string): string {
  const d = new Date(Number(ts.split('.')[0]) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// The same render context serves channels, threads, App Home and modals; only where a click goes differs.
function ctxFor(where: { home: true } | { channel: string; ts: string }): RenderContext {
  return {
    userName,
    channelName,
    confirm: (c, style) => confirmDialog(c, style, ctxFor({ home: true })),
    async onAction(a) {
      const body = { user: state.user, ...a, ...where };
      try {
        const r = await api('/api/action', body);
        if (!r.ok) toast(r.error || 'The app did not answer.');
      } catch (error) {
        toast(messageOf(error));
      }
    },
  };
}

function threadToggle(m: Message, replies: Message[]): HTMLButtonElement {
  const key = m.channel + m.ts;
  const count = `${replies.length}${replies.length === 1 ? ' reply' : ' replies'}`;
  const toggle = el('button', 'thread-toggle', `${count}${state.open.has(key) ? ' \u25be' : ' \u25b8'}`);
  toggle.type = 'button';
  toggle.dataset.testid = 'thread-toggle';
  toggle.addEventListener('click', () => {
    if (!state.open.delete(key)) state.open.add(key);
    render();
  });
  return toggle;
}

// replies: the thread under a top-level message; null for a reply (inThread) or a broadcast copy.
function messageNode(m: Message, replies: Message[] | null, inThread: boolean): HTMLElement {
  const row = el('div', `message${m.ephemeralFor ? ' ephemeral' : ''}`);
  row.id = `msg-${m.channel}-p${m.ts.replace('.', '')}`;
  row.dataset.ts = m.ts;
  row.dataset.channel = m.channel;
  if (row.id === state.highlight) row.classList.add('highlight');
  const bot = m.user === 'U0DISKBOT';
  const kind = bot ? ' bot' : m.user === 'USLACKBOT' ? ' slackbot' : '';
  row.appendChild(el('div', `avatar${kind}`, userName(m.user).charAt(0).toUpperCase()));
  const body = el('div', 'msg-body');
  const meta = el('div', 'msg-meta');
  meta.appendChild(el('span', 'msg-author', userName(m.user)));
  if (bot) meta.appendChild(el('span', 'app-badge', 'APP'));
  meta.appendChild(el('span', 'msg-time', timeOf(m.ts)));
  if (m.edited) meta.appendChild(el('span', 'edited', '(edited)'));
  if (m.ephemeralFor) meta.appendChild(el('span', 'only-you', 'Only visible to you'));
  body.appendChild(meta);
  if (m.threadTs && m.replyBroadcast)
    body.appendChild(
      el('div', 'broadcast-note', inThread ? 'Also sent to the channel' : 'replied to a thread'),
    );
  const ctx = ctxFor({ channel: m.channel, ts: m.ts });
  body.appendChild(m.blocks?.length ? blocks(m.blocks, ctx) : mrkdwn(m.text, ctx));
  if (replies?.length) {
    body.appendChild(threadToggle(m, replies));
    if (state.open.has(m.channel + m.ts)) {
      const thread = el('div', 'thread');
      thread.dataset.testid = 'thread';
      for (const r of replies) thread.appendChild(messageNode(r, null, true));
      body.appendChild(thread);
    }
  }
  row.appendChild(body);
  return row;
}

function renderChannel(snap: Snapshot, channel: string): void {
  const box = byId('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const all = snap.messages.filter((m) => m.channel === channel);
  const repliesOf = new Map<string, Message[]>();
  for (const m of all) if (m.threadTs) repliesOf.set(m.threadTs, [...(repliesOf.get(m.threadTs) ?? []), m]);
  const frag = document.createDocumentFragment();
  for (const m of all)
    if (!m.threadTs || m.replyBroadcast)
      frag.appendChild(messageNode(m, m.threadTs ? null : (repliesOf.get(m.ts) ?? []), false));
  if (!all.length) frag.appendChild(el('div', 'message muted', 'No messages yet. Type /disk help below.'));
  box.replaceChildren(frag);
  const target = state.highlight ? document.getElementById(state.highlight) : null;
  if (target) {
    target.scrollIntoView({ block: 'center' });
    state.highlight = '';
  } else if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderHome(snap: Snapshot): void {
  const view = snap.home;
  byId('home').replaceChildren(
    view ? blocks(view.blocks, ctxFor({ home: true })) : el('div', 'muted', 'Loading App Home\u2026'),
  );
}

function render(): void {
  const snap = state.snap;
  if (!snap) return;
  const home = state.view === 'home';
  byId('messages').hidden = home;
  byId('home').hidden = !home;
  byId('composer').hidden = home;
  const header = byId('view-header');
  header.replaceChildren(document.createTextNode(home ? 'diskbot' : `# ${channelName(state.view)}`));
  header.appendChild(
    el('small', '', home ? `App Home of ${userName(state.user)}` : `as ${userName(state.user)}`),
  );
  for (const n of document.querySelectorAll<HTMLElement>('.nav-item'))
    n.classList.toggle('active', n.dataset.view === state.view);
  if (home) renderHome(snap);
  else renderChannel(snap, state.view);
  renderModal(snap.modal, { user: () => state.user, context: () => ctxFor({ home: true }) });
}

async function refresh(): Promise<void> {
  const user = state.user;
  if (!user) return;
  try {
    const snap = await api<Snapshot>(`/api/state?user=${encodeURIComponent(user)}`);
    if (user !== state.user) return;
    state.snap = snap;
    render();
  } catch (error) {
    toast(`Console: ${messageOf(error)}`);
  }
}

function select(view: string): void {
  state.view = view;
  localStorage.setItem('sdb.view', view);
  if (view === 'home') {
    if (state.snap) state.snap.home = null;
    api('/api/home', { user: state.user }).catch((error: unknown) => toast(messageOf(error)));
  }
  render();
}

const linkedMessage = () => /^#([CG][A-Z0-9]+)\/(p\d+)$/.exec(location.hash);

function setUp(info: { users: Person[]; channels: Person[] }): void {
  state.users = info.users;
  state.channels = info.channels;
  const saved = new URLSearchParams(location.search).get('user') || localStorage.getItem('sdb.user');
  state.user = info.users.find((u) => u.id === saved)?.id ?? info.users[0]?.id ?? '';
  const picker = byId<HTMLSelectElement>('user-select');
  for (const u of info.users) {
    const o = el('option', '', u.name);
    o.value = u.id;
    picker.appendChild(o);
  }
  picker.value = state.user;
  picker.addEventListener('change', () => {
    state.user = picker.value;
    localStorage.setItem('sdb.user', state.user);
    forgetModal();
    if (state.view === 'home') select('home');
    void refresh();
  });
  const list = byId('channel-list');
  for (const c of info.channels) {
    const li = el('li');
    const b = el('button', 'nav-item', `# ${c.name}`);
    b.type = 'button';
    b.dataset.view = c.id;
    b.dataset.testid = `channel-${c.name}`;
    b.addEventListener('click', () => select(c.id));
    li.appendChild(b);
    list.appendChild(li);
  }
  const homeLink = byId('home-link');
  homeLink.dataset.view = 'home';
  homeLink.addEventListener('click', () => select('home'));
  const link = linkedMessage();
  if (link) state.highlight = `msg-${link[1]}-${link[2]}`;
  const savedView = link ? link[1] : localStorage.getItem('sdb.view');
  state.view = info.channels.find((c) => c.id === savedView)?.id ?? info.channels[0]?.id ?? '';
  // A workflow has no channel: Slackbot tells the person who ran it in the channel on screen.
  const channelOnScreen = () =>
    info.channels.find((c) => c.id === state.view)?.id ?? info.channels[0]?.id ?? '';
  setUpWorkflowStep(info.users, () => ({ user: state.user, channel: channelOnScreen() }));
  const events = new EventSource('/api/events');
  events.onmessage = () => void refresh();
  void refresh();
}

function onCompose(event: SubmitEvent): void {
  event.preventDefault();
  const input = byId<HTMLInputElement>('composer-input');
  const text = input.value.trim();
  if (!text) return;
  const isCommand = /^\/disk(\s|$)/.test(text);
  if (text.startsWith('/') && !isCommand) {
    toast('Only /disk is installed in this workspace.');
    return;
  }
  input.value = '';
  api(isCommand ? '/api/command' : '/api/message', { user: state.user, channel: state.view, text }).catch(
    (error: unknown) => toast(messageOf(error)),
  );
}

export function startConsole(): void {
  api<{ users: Person[]; channels: Person[] }>('/api/bootstrap')
    .then(setUp)
    .catch((error: unknown) => toast(`Console could not start: ${messageOf(error)}`));
  byId('composer').addEventListener('submit', onCompose);
  window.addEventListener('hashchange', () => {
    const link = linkedMessage();
    if (!link) return;
    state.highlight = `msg-${link[1]}-${link[2]}`;
    select(link[1] ?? '');
  });
  byId<HTMLInputElement>('composer-input').placeholder = 'Message the channel, or type /disk help';
}
