/**
 * "Run workflow step": plays Workflow Builder running the bot's step `request_disk_change` with
 * the inputs typed here. The console sends `function_executed` as Slack would; how the step
 * ends (completeSuccess or completeError) comes back as a Slackbot message in the channel.
 */
import { api, messageOf, toast } from './api.js';
import { byId, el } from './dom.js';
import type { Person } from './types.js';

const ACTIONS = ['create', 'attach', 'detach', 'resize', 'snapshot'];
const TEXT_FIELDS = [
  ['disk', 'Disk (id or name; the new name for create)'],
  ['instances', 'Instances (ids or names, spaces or commas)'],
  ['size_gib', 'Size (GiB)'],
  ['zone', 'Zone'],
  ['reason', 'Reason'],
] as const;

function field(label: string, control: HTMLElement): HTMLLabelElement {
  const wrap = el('label', 'wf-field', label);
  wrap.appendChild(control);
  return wrap;
}

/** The step's inputs as Workflow Builder passes them: blank optional fields are left out. */
function inputsOf(form: HTMLFormElement): Record<string, unknown> {
  const data = new FormData(form);
  const inputs: Record<string, unknown> = {};
  for (const [name, value] of data.entries()) {
    const text = String(value).trim();
    if (text === '' && name !== 'disk' && name !== 'reason') continue;
    inputs[name] = name === 'size_gib' ? Number(text) : text;
  }
  return inputs;
}

/** Builds the dialog; `where` says who runs the workflow and in which channel Slackbot answers. */
export function setUpWorkflowStep(
  users: readonly Person[],
  where: () => { user: string; channel: string },
): void {
  const dialog = byId<HTMLDialogElement>('workflow-step');
  const form = el('form', 'wf-form');
  form.method = 'dialog';
  form.appendChild(el('div', 'modal-title', 'Run workflow step: Request a shared-disk change'));
  const body = el('div', 'modal-body');
  const action = el('select');
  action.name = 'action';
  for (const a of ACTIONS) action.appendChild(Object.assign(el('option', '', a), { value: a }));
  body.appendChild(field('Action', action));
  for (const [name, label] of TEXT_FIELDS) {
    const input = el('input');
    input.name = name;
    input.dataset.testid = `wf-${name}`;
    if (name === 'size_gib') input.type = 'number';
    body.appendChild(field(label, input));
  }
  const requester = el('select');
  requester.name = 'requester';
  for (const u of users) requester.appendChild(Object.assign(el('option', '', u.name), { value: u.id }));
  body.appendChild(field('Requester', requester));
  form.appendChild(body);
  const foot = el('div', 'modal-foot');
  const cancel = el('button', 'btn', 'Cancel');
  cancel.type = 'button';
  cancel.addEventListener('click', () => dialog.close());
  const run = el('button', 'btn primary', 'Run step');
  run.type = 'submit';
  run.dataset.testid = 'wf-run';
  foot.append(cancel, run);
  form.appendChild(foot);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api('/api/workflow-step', { ...where(), inputs: inputsOf(form) })
      .then((reply) => {
        if (!reply.ok) toast('The app did not acknowledge the step.');
        dialog.close();
      })
      .catch((error: unknown) => toast(messageOf(error)));
  });
  dialog.appendChild(form);
  byId('workflow-toggle').addEventListener('click', () => {
    requester.value = where().user;
    dialog.showModal();
  });
}
