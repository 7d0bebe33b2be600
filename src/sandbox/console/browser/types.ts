/**
 * What the console page receives: Block Kit as the bot sent it (untrusted JSON, so every field is
 * optional and checked before use) and the server's workspace snapshot.
 */

export interface TextObject {
  type?: string;
  text?: string;
  emoji?: boolean;
}

export interface Option {
  text: TextObject;
  value: string;
  description?: TextObject;
}

export interface OptionGroup {
  label: TextObject;
  options: Option[];
}

export interface Confirm {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: string;
}

export interface BlockElement {
  type: string;
  action_id?: string;
  text?: TextObject | string;
  emoji?: boolean;
  value?: string;
  style?: string;
  confirm?: Confirm;
  alt_text?: string;
  placeholder?: TextObject;
  initial_value?: string;
  multiline?: boolean;
  max_length?: number;
  min_length?: number;
  min_value?: string;
  max_value?: string;
  is_decimal_allowed?: boolean;
  options?: Option[];
  option_groups?: OptionGroup[];
  initial_option?: Option;
  initial_options?: Option[];
  min_query_length?: number;
  max_selected_items?: number;
}

export interface Block {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: BlockElement;
  elements?: BlockElement[];
  element?: BlockElement;
  label?: TextObject;
  hint?: TextObject;
  optional?: boolean;
}

export interface View {
  type?: string;
  title?: TextObject;
  submit?: TextObject;
  close?: TextObject;
  blocks?: Block[];
}

export interface Message {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks?: Block[];
  threadTs?: string;
  replyBroadcast?: boolean;
  ephemeralFor?: string;
  edited?: boolean;
}

export interface OpenView {
  id: string;
  hash: string;
  view: View;
}

export interface Snapshot {
  version: number;
  messages: Message[];
  modal: OpenView | null;
  home: View | null;
}

export interface Person {
  id: string;
  name: string;
}

/** One element's value in `view.state.values`, in Slack's shape for its type. */
export type StateValue =
  | { type: string; value: string | null }
  | { type: 'static_select' | 'external_select'; selected_option: Option | null }
  | { type: 'multi_external_select' | 'checkboxes'; selected_options: Option[] };

export type StateValues = Record<string, Record<string, StateValue>>;

/** An input's value, and the problem Slack's client would show instead of submitting. */
export interface Reading {
  readonly value: StateValue;
  readonly problem?: string;
}

/** What a click, a confirm dialog and a picker need from the page that renders the blocks. */
export interface RenderContext {
  userName(id: string): string;
  channelName(id: string): string;
  confirm(confirm: Confirm, style?: string): Promise<boolean>;
  onAction(action: { actionId: string; blockId: string; value: string; text: string }): Promise<void>;
  /** Asks the bot for an external select's options (`block_suggestion`); only modals have one. */
  suggest?: (request: { actionId: string; blockId: string; value: string }) => Promise<SuggestReply>;
}

export type SuggestReply =
  | { ok: true; options?: Option[]; option_groups?: OptionGroup[] }
  | { ok: false; error: string };
