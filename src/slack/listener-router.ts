import type { App } from '@slack/bolt';

type Listener = (args: never) => Promise<void> | void;
type Registrar = (constraint: unknown, ...listeners: unknown[]) => unknown;

/**
 * Bolt runs every listener's middleware chain (a copy of the chain, an async step per middleware)
 * for every request, so each `app.action` / `app.view` adds work to every `/disk` command too:
 * with the bot's nine listeners Bolt spent ≈ 90 µs CPU per slash command, with one listener per
 * surface ≈ 60 µs (bench:ack profile, then `processEvent` measured alone). This hands the listener modules an `App` whose `action(id, fn)` and `view(id, fn)`
 * only record the callback; `install()` then registers ONE Bolt action listener and ONE view
 * listener that look the callback up by `action_id` / `callback_id`. Matching stays Bolt's: the
 * listener's constraint is a pattern of exactly the recorded ids (view listeners keep Bolt's
 * default `view_submission` type). Registrations with constraints other than a plain id, or with
 * extra middleware, go to Bolt unchanged.
 *
 * Slash commands go further: `command(name, fn)` is dispatched by ONE global middleware that runs
 * the callback for `command.command === name` (Bolt's own match for a string) with the arguments
 * Bolt gives a listener, and then stops, so a `/disk` command runs no listener chain at all
 * (bench:ack: each listener chain cost a slash command ≈ 7 µs CPU). Other requests go on to Bolt's
 * listeners. A failing callback fails the request as a failing listener does (Bolt's error handler).
 */
export function routedListeners(app: App): { readonly app: App; install(): void } {
  const tables = {
    action: new Map<string, Listener[]>(),
    view: new Map<string, Listener[]>(),
    command: new Map<string, Listener[]>(),
  };
  const recorder = (kind: keyof typeof tables): Registrar => {
    const direct = (app[kind] as Registrar).bind(app);
    return (constraint, ...listeners) => {
      const [listener, ...extra] = listeners;
      if (typeof constraint !== 'string' || typeof listener !== 'function' || extra.length > 0)
        return direct(constraint, ...listeners);
      const table = tables[kind];
      table.set(constraint, [...(table.get(constraint) ?? []), listener as Listener]);
      return app;
    };
  };
  const recorders = { action: recorder('action'), view: recorder('view'), command: recorder('command') };
  const proxy = new Proxy(app, {
    get(target, property) {
      if (property === 'action' || property === 'view' || property === 'command') return recorders[property];
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  const dispatch = (table: Map<string, Listener[]>, id: string | undefined, args: unknown) =>
    Promise.all((table.get(id ?? '') ?? []).map((listener) => listener(args as never))).then(() => undefined);
  return {
    app: proxy,
    install() {
      if (tables.command.size > 0) {
        app.use(async (args) => {
          const listeners = tables.command.get(
            (args as { command?: { command?: string } }).command?.command ?? '',
          );
          if (listeners === undefined) return args.next();
          // What Bolt hands a listener: the same arguments with a no-op `next`.
          await Promise.all(listeners.map((listener) => listener({ ...args, next: () => {} } as never)));
        });
      }
      if (tables.action.size > 0) {
        app.action({ action_id: exactly(tables.action.keys()) }, (args) =>
          dispatch(tables.action, (args.action as { action_id?: string }).action_id, args),
        );
      }
      if (tables.view.size > 0) {
        app.view({ callback_id: exactly(tables.view.keys()), type: 'view_submission' }, (args) =>
          dispatch(tables.view, args.view.callback_id, args),
        );
      }
    },
  };
}

/** A RegExp matching exactly one of the ids. */
function exactly(ids: Iterable<string>): RegExp {
  const escaped = [...ids].map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^(?:${escaped.join('|')})$`);
}
