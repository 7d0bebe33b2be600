/**
 * Modals and confirm dialogs. A modal is redrawn only when the server's view id or hash changes,
 * so typing is never lost to a refresh; its submit goes to the bot as `view_submission` and the
 * bot's inline errors land under the right field. External selects ask the bot for options
 * through the console server (`block_suggestion`), sending the form's current state as Slack does.
 */
import { api, messageOf, toast } from './api.js';
import { blocks } from './blocks.js';
import { appendText, byId, el, plain } from './dom.js';
import { collect, showErrors } from './inputs.js';
import { textObject } from './mrkdwn.js';
import type { Confirm, OpenView, RenderContext, SuggestReply } from './types.js';

export interface ModalHost {
  readonly user: () => string;
  /** The context for blocks in a modal (clicks go to the view, like App Home). */
  readonly context: () => RenderContext;
}

let shownKey = '';

/** Forgets the modal on screen, so the next render redraws it (after a user switch). */
export function forgetModal(): void {
  shownKey = '';
}

/** Block Kit confirm objects become a real dialog; the promise says whether to go ahead. */
export function confirmDialog(c: Confirm, style: string | undefined, ctx: RenderContext): Promise<boolean> {
  const d = byId<HTMLDialogElement>('confirm');
  return new Promise((resolve) => {
    const title = el('div', 'confirm-title', c.title ? plain(c.title) : 'Are you sure?');
    const text = el('div', 'confirm-text');
    text.appendChild(textObject(c.text, ctx));
    const foot = el('div', 'confirm-foot');
    const deny = el('button', 'btn', c.deny ? plain(c.deny) : 'Cancel');
    const ok = el('button', `btn ${c.style || style || 'primary'}`, c.confirm ? plain(c.confirm) : 'Yes');
    deny.type = 'button';
    ok.type = 'button';
    deny.dataset.testid = 'confirm-deny';
    ok.dataset.testid = 'confirm-ok';
    const done = (answer: boolean) => {
      d.close();
      resolve(answer);
    };
    deny.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    d.oncancel = (event) => {
      event.preventDefault();
      done(false);
    };
    foot.append(deny, ok);
    d.replaceChildren(title, text, foot);
    d.showModal();
  });
}

export function renderModal(modal: OpenView | null, host: ModalHost): void {
  const d = byId<HTMLDialogElement>('modal');
  const key = modal ? `${modal.id}:${modal.hash}` : '';
  if (key === shownKey) return;
  shownKey = key;
  if (!modal) {
    if (d.open) d.close();
    return;
  }
  const view = modal.view;
  const close = () => void api('/api/close', { user: host.user() });
  const form = el('form');
  form.noValidate = true;
  const suggest = (request: { actionId: string; blockId: string; value: string }) =>
    api<SuggestReply>('/api/suggest', {
      ...request,
      user: host.user(),
      viewId: modal.id,
      values: collect(form).values,
    });
  const ctx: RenderContext = { ...host.context(), suggest };
  const title = appendText(el('div', 'modal-title'), plain(view.title));
  const body = el('div', 'modal-body');
  body.appendChild(blocks(view.blocks, ctx));
  const foot = el('div', 'modal-foot');
  const closeButton = el('button', 'btn', view.close ? plain(view.close) : 'Cancel');
  closeButton.type = 'button';
  closeButton.dataset.testid = 'modal-close';
  closeButton.addEventListener('click', close);
  foot.appendChild(closeButton);
  if (view.submit) {
    const submit = el('button', 'btn primary', plain(view.submit));
    submit.type = 'submit';
    submit.dataset.testid = 'modal-submit';
    foot.appendChild(submit);
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const got = collect(form);
    showErrors(form, got.problems);
    if (Object.keys(got.problems).length) return;
    try {
      const reply = await api<{ ok: boolean; error?: string; errors?: Record<string, string> }>(
        '/api/submit',
        {
          user: host.user(),
          viewId: modal.id,
          values: got.values,
        },
      );
      if (!reply.ok) return toast(reply.error ?? 'The app did not answer.');
      if (reply.errors) showErrors(form, reply.errors);
    } catch (error) {
      toast(messageOf(error));
    }
  });
  d.oncancel = (event) => {
    event.preventDefault();
    close();
  };
  form.append(title, body, foot);
  d.replaceChildren(form);
  if (!d.open) d.showModal();
}
