/**
 * The sandbox's Slack workspace state: channel messages with threads, ephemeral messages (one
 * user sees them), modal stacks and App Home views per user. Both sides change it: the Web API
 * stand-in (the bot's calls) and the platform (what a person does in the console). Every change
 * bumps a version and notifies subscribers, which is how the console knows to redraw.
 */
import { randomBytes } from 'node:crypto';

export type Json = Record<string, unknown>;

export interface Message {
  readonly channel: string;
  readonly ts: string;
  readonly user: string;
  text: string;
  blocks: unknown[];
  readonly threadTs?: string;
  readonly replyBroadcast: boolean;
  /** Set for an ephemeral message: only this user sees it, and only until the page reloads in Slack. */
  readonly ephemeralFor?: string;
  edited: boolean;
}

export interface OpenView {
  readonly id: string;
  readonly user: string;
  view: Json;
  hash: string;
}

export interface UserSnapshot {
  readonly version: number;
  readonly messages: readonly Message[];
  readonly modal: OpenView | null;
  readonly home: Json | null;
}

export class Workspace {
  private readonly messages: Message[] = [];
  private readonly stacks = new Map<string, OpenView[]>();
  private readonly homes = new Map<string, Json>();
  private readonly listeners = new Set<(version: number) => void>();
  private seconds = Math.floor(Date.now() / 1000);
  private counter = 0;
  version = 0;

  constructor(readonly channelIds: ReadonlySet<string>) {}

  subscribe(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener(this.version);
  }

  /** Slack timestamps are unique per channel and increase; one counter keeps them unique everywhere. */
  private nextTs(): string {
    this.seconds = Math.max(this.seconds, Math.floor(Date.now() / 1000));
    this.counter += 1;
    return `${this.seconds}.${String(this.counter).padStart(6, '0')}`;
  }

  post(input: {
    channel: string;
    user: string;
    text: string;
    blocks?: unknown[];
    threadTs?: string;
    replyBroadcast?: boolean;
    ephemeralFor?: string;
  }): Message {
    const message: Message = {
      channel: input.channel,
      ts: this.nextTs(),
      user: input.user,
      text: input.text,
      blocks: input.blocks ?? [],
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      replyBroadcast: input.replyBroadcast ?? false,
      ...(input.ephemeralFor ? { ephemeralFor: input.ephemeralFor } : {}),
      edited: false,
    };
    this.messages.push(message);
    this.changed();
    return message;
  }

  find(channel: string, ts: string): Message | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** `edited` is what Slack shows after chat.update; a response_url replacement shows no mark. */
  update(message: Message, content: { text: string; blocks?: unknown[] }, edited = true): void {
    message.text = content.text;
    if (content.blocks) message.blocks = content.blocks;
    message.edited = edited;
    this.changed();
  }

  remove(message: Message): void {
    const index = this.messages.indexOf(message);
    if (index < 0) return;
    this.messages.splice(index, 1);
    // Deleting a parent leaves no orphan replies behind in the console.
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i]?.threadTs === message.ts && this.messages[i]?.channel === message.channel)
        this.messages.splice(i, 1);
    }
    this.changed();
  }

  /** `views.open`: a new modal replaces whatever stack the user had open. */
  openView(user: string, view: Json): OpenView {
    const open: OpenView = {
      id: `V${randomBytes(5).toString('hex').toUpperCase()}`,
      user,
      view,
      hash: hash(),
    };
    this.stacks.set(user, [open]);
    this.changed();
    return open;
  }

  findView(viewId: string): OpenView | undefined {
    for (const stack of this.stacks.values()) {
      const found = stack.find((v) => v.id === viewId);
      if (found) return found;
    }
    return undefined;
  }

  updateView(open: OpenView, view: Json): OpenView {
    open.view = view;
    open.hash = hash();
    this.changed();
    return open;
  }

  /** Closes the top view; `all` closes the whole stack (`response_action: clear`). */
  closeView(user: string, all = false): void {
    const stack = this.stacks.get(user);
    if (!stack) return;
    if (all) stack.length = 0;
    else stack.pop();
    if (stack.length === 0) this.stacks.delete(user);
    this.changed();
  }

  publishHome(user: string, view: Json): void {
    this.homes.set(user, view);
    this.changed();
  }

  snapshot(user: string): UserSnapshot {
    const stack = this.stacks.get(user);
    return {
      version: this.version,
      messages: this.messages.filter((m) => !m.ephemeralFor || m.ephemeralFor === user),
      modal: stack?.[stack.length - 1] ?? null,
      home: this.homes.get(user) ?? null,
    };
  }
}

const hash = () => randomBytes(8).toString('hex');
