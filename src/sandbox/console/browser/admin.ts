/**
 * The admin panel: what happens outside the bot's reach in a real cloud. It injects ECS faults
 * (throttling, 5xx, latency), crashes, stops and recovers instances, formats/mounts a file
 * system on an instance, and keeps an instance on a disk's old size after a resize (its NVMe
 * controller ignores rescans until it reboots), all through the emulator's admin API, so the
 * single-node file-system guard, failover and a resize's Retry can be tried by hand.
 * It also throttles or fails the Slack stand-in's writes, to watch the bot ride out Slack's bad days.
 */
import { api, messageOf, toast } from './api.js';
import { byId, el } from './dom.js';
import { type MountFacts, mountText } from './mount-text.js';

interface FaultRule {
  throttleRate?: number;
  unavailableRate?: number;
  internalErrorRate?: number;
  addedLatencyMs?: number;
}
type Faults = Record<string, FaultRule>;

/** The Slack stand-in's faults (src/sandbox/slack-faults.ts). */
interface SlackFaultSettings {
  throttleRate?: number;
  retryAfterSec?: number;
  failRate?: number;
  outage?: boolean;
}

interface AdminState {
  regionId: string;
  faults?: Faults;
  slackFaults?: SlackFaultSettings;
  disks: {
    diskId: string;
    name: string;
    size: number;
    status: string;
    multiAttach: string;
    fstype?: string | null;
    /** The file system's size when it lags the disk's (a resize not grown yet). */
    fsSize?: number | null;
    /** `guestSize`: what this instance sees of the disk (absent from an older emulator). */
    attachments: { instanceId: string; guestSize?: number }[];
  }[];
  instances: {
    instanceId: string;
    name: string;
    zoneId: string;
    status: string;
    crashed?: boolean;
    /** Keeps the old size of a resized disk until it reboots. */
    staleSize?: boolean;
  }[];
  mounts: MountFacts['mounts'];
  reservations?: MountFacts['reservations'];
}
type Disk = AdminState['disks'][number];

const ACTIONS = [
  '*',
  'CreateDisk',
  'AttachDisk',
  'DetachDisk',
  'ResizeDisk',
  'CreateSnapshot',
  'DeleteDisk',
  'DescribeDisks',
  'DescribeInstances',
  'RunCommand',
  'DescribeInvocationResults',
];
const FS_TYPES = ['ext4', 'xfs', 'btrfs', 'ocfs2', 'gfs2'];

const panel = () => byId('admin');

function button(text: string, onClick: () => unknown, style?: string): HTMLButtonElement {
  const b = el('button', `btn${style ? ` ${style}` : ''}`, text);
  b.type = 'button';
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await onClick();
      await load();
    } catch (error) {
      toast(messageOf(error));
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

function numberInput(placeholder: string, max: number): HTMLInputElement {
  const i = el('input');
  i.type = 'number';
  i.min = '0';
  i.max = String(max);
  i.placeholder = placeholder;
  i.title = placeholder;
  return i;
}

function selectOf(values: string[], labels?: string[]): HTMLSelectElement {
  const s = el('select');
  values.forEach((v, i) => {
    const o = el('option', '', labels?.[i] ?? v);
    o.value = v;
    s.appendChild(o);
  });
  return s;
}

function describeFault(name: string, f: FaultRule): string {
  const parts: string[] = [];
  if (f.throttleRate) parts.push(`throttle ${Math.round(f.throttleRate * 100)}%`);
  if (f.unavailableRate) parts.push(`503 ${Math.round(f.unavailableRate * 100)}%`);
  if (f.internalErrorRate) parts.push(`500 ${Math.round(f.internalErrorRate * 100)}%`);
  if (f.addedLatencyMs) parts.push(`+${f.addedLatencyMs} ms`);
  return `${name === '*' ? 'every action' : name}: ${parts.join(', ')}`;
}

function faultsSection(faults: Faults): HTMLElement {
  const box = el('div', 'card');
  const action = selectOf(
    ACTIONS,
    ACTIONS.map((a) => (a === '*' ? 'every action' : a)),
  );
  const throttle = numberInput('throttle %', 100);
  const errors = numberInput('5xx %', 100);
  const latency = numberInput('+ms', 2500);
  const apply = () => {
    const next: Faults = { ...faults };
    const rule: FaultRule = {};
    if (throttle.value) rule.throttleRate = Number(throttle.value) / 100;
    if (errors.value) rule.unavailableRate = Number(errors.value) / 100;
    if (latency.value) rule.addedLatencyMs = Number(latency.value);
    if (Object.keys(rule).length) next[action.value] = rule;
    else delete next[action.value];
    return api('/api/admin/faults', next);
  };
  const row = el('div', 'row');
  row.append(
    action,
    throttle,
    errors,
    latency,
    button('Apply', apply, 'primary'),
    button('Clear all', () => api('/api/admin/faults', {})),
  );
  box.appendChild(row);
  const entries = Object.entries(faults);
  const summary = entries.map(([name, f]) => describeFault(name, f)).join(' \u00b7 ');
  box.appendChild(el('div', 'muted', entries.length ? summary : 'No faults: every call succeeds.'));
  return box;
}

function describeSlackFaults(f: SlackFaultSettings): string {
  if (f.outage) return 'Outage: every write answers 503.';
  const parts: string[] = [];
  if (f.throttleRate)
    parts.push(`429 ${Math.round(f.throttleRate * 100)}% (Retry-After ${f.retryAfterSec ?? 1} s)`);
  if (f.failRate) parts.push(`500 ${Math.round(f.failRate * 100)}%`);
  return parts.length ? `Writes: ${parts.join(', ')}.` : 'No Slack faults: every write is accepted.';
}

/** Throttle or fail the bot's Slack writes, to watch the outbox ride it out. */
function slackFaultsSection(current: SlackFaultSettings): HTMLElement {
  const box = el('div', 'card');
  const throttle = numberInput('429 %', 100);
  const retryAfter = numberInput('Retry-After s', 60);
  const errors = numberInput('500 %', 100);
  const set = (settings: SlackFaultSettings) => api('/api/admin/slack-faults', settings);
  const apply = () => {
    const next: SlackFaultSettings = {};
    if (throttle.value) next.throttleRate = Number(throttle.value) / 100;
    if (retryAfter.value) next.retryAfterSec = Number(retryAfter.value);
    if (errors.value) next.failRate = Number(errors.value) / 100;
    return set(next);
  };
  const row = el('div', 'row');
  row.append(
    throttle,
    retryAfter,
    errors,
    button('Apply', apply, 'primary'),
    button(current.outage ? 'End outage' : 'Start outage', () =>
      set({ ...current, outage: !current.outage }),
    ),
    button('Clear', () => set({})),
  );
  box.append(row, el('div', 'muted', describeSlackFaults(current)));
  return box;
}

function fileSystemRow(disk: Disk, names: Record<string, string>): HTMLElement {
  const ids = disk.attachments.map((a) => a.instanceId);
  const instance = selectOf(
    ids,
    ids.map((id) => names[id] || id),
  );
  const fstype = selectOf(FS_TYPES);
  if (disk.fstype) fstype.value = disk.fstype;
  const point = el('input');
  point.value = '/data';
  point.size = 8;
  const ro = el('input');
  ro.type = 'checkbox';
  const roLabel = el('label', '', ' ro');
  roLabel.prepend(ro);
  const row = el('div', 'row');
  const fs = (body: object) =>
    api('/api/admin/filesystem', { instanceId: instance.value, diskId: disk.diskId, ...body });
  row.append(
    instance,
    fstype,
    point,
    roLabel,
    button('Format & mount', () =>
      fs({ fstype: fstype.value, mountpoints: [point.value], readOnly: ro.checked }),
    ),
    button('Unmount', () => fs({ mountpoints: [], readOnly: false })),
  );
  return row;
}

function diskCard(state: AdminState, disk: Disk, names: Record<string, string>): HTMLElement {
  const box = el('div', 'card');
  box.dataset.diskId = disk.diskId;
  const facts = [
    disk.diskId,
    disk.name,
    `${disk.size} GiB`,
    disk.status,
    `multi-attach ${disk.multiAttach}`,
    `fs ${disk.fstype || 'none'}${disk.fsSize != null && disk.fsSize < disk.size ? ` (${disk.fsSize} GiB, not grown yet)` : ''}`,
  ];
  box.appendChild(el('div', '', facts.join(' \u00b7 ')));
  for (const a of disk.attachments) {
    const who = `${names[a.instanceId] || a.instanceId} ${a.instanceId}`;
    const sees =
      a.guestSize !== undefined && a.guestSize !== disk.size ? ` \u00b7 still sees ${a.guestSize} GiB` : '';
    box.appendChild(
      el('div', 'muted', `\u21b3 ${who}: ${mountText(state, a.instanceId, disk.diskId)}${sees}`),
    );
  }
  if (disk.attachments.length) box.appendChild(fileSystemRow(disk, names));
  return box;
}

function instanceTable(state: AdminState): HTMLElement {
  const table = el('table');
  const head = el('tr');
  for (const h of ['instance', 'zone', 'state', '']) head.appendChild(el('th', '', h));
  table.appendChild(head);
  for (const i of state.instances) {
    const tr = el('tr');
    tr.dataset.instanceId = i.instanceId;
    const who = el('td');
    who.append(el('div', '', i.name), el('div', 'muted', i.instanceId));
    const status =
      i.status + (i.crashed ? ' \u00b7 crashed' : '') + (i.staleSize ? ' \u00b7 keeps old disk sizes' : '');
    const verbs = el('td');
    const go = (verb: string) => () => api(`/api/admin/instances/${i.instanceId}/${verb}`, {});
    verbs.append(
      i.crashed ? button('Recover', go('recover')) : button('Crash', go('crash'), 'danger'),
      document.createTextNode(' '),
      i.status === 'Running' ? button('Stop', go('stop')) : button('Start', go('start')),
      document.createTextNode(' '),
      button(i.staleSize ? 'Rescan works' : 'Keep old size', () =>
        api(`/api/admin/instances/${i.instanceId}/stale-size`, { stale: !i.staleSize }),
      ),
    );
    tr.append(who, el('td', '', i.zoneId.replace('cn-hangzhou-', 'zone ')), el('td', '', status), verbs);
    table.appendChild(tr);
  }
  return table;
}

function render(state: AdminState): void {
  const names: Record<string, string> = {};
  for (const i of state.instances) names[i.instanceId] = i.name;
  const frag = document.createDocumentFragment();
  const top = el('div', 'row');
  top.append(
    el('strong', '', `ECS emulator (${state.regionId})`),
    button('Refresh', () => undefined),
  );
  frag.append(top, el('h2', '', 'Faults'), faultsSection(state.faults ?? {}));
  frag.append(el('h2', '', 'Slack faults'), slackFaultsSection(state.slackFaults ?? {}));
  frag.appendChild(el('h2', '', 'Disks and file systems'));
  for (const d of state.disks) frag.appendChild(diskCard(state, d, names));
  frag.append(el('h2', '', 'Instances'), instanceTable(state));
  panel().replaceChildren(frag);
}

async function load(): Promise<void> {
  try {
    render(await api<AdminState>('/api/admin/state'));
  } catch (error) {
    toast(`Admin: ${messageOf(error)}`);
  }
}

export function startAdmin(): void {
  const toggle = byId('admin-toggle');
  let timer = 0;
  // Polls while open, but never redraws under the user's cursor mid-edit.
  const poll = () => {
    const active = document.activeElement;
    if (!panel().contains(active) || active?.tagName === 'BUTTON') void load();
  };
  toggle.addEventListener('click', () => {
    const box = panel();
    box.hidden = !box.hidden;
    toggle.textContent = box.hidden ? 'Cloud admin \u25b8' : 'Cloud admin \u25be';
    clearInterval(timer);
    if (!box.hidden) {
      void load();
      timer = window.setInterval(poll, 3000);
    }
  });
}
