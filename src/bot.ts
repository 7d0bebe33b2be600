import { startBackground } from './wiring/background.js';
import { assembleCloud } from './wiring/cloud.js';
import { assembleHandlers } from './wiring/handlers.js';
import type { BotOptions, RunningBot } from './wiring/options.js';
import { type RunningPart, stopAndReport } from './wiring/parts.js';
import { startSlack } from './wiring/slack-app.js';
import { assembleSlackPosts } from './wiring/slack-posts.js';
import { assembleStores } from './wiring/stores.js';
import { assembleWorkflow } from './wiring/workflow.js';
import { systemClock } from './workflow/ports.js';

export type { BotOptions, CloudOptions, RunningBot, WatchOptions } from './wiring/options.js';

/**
 * The composition root shared by `main.ts`, the tests and the benchmarks: adapters are built only
 * here, one assembly at a time (src/wiring). Whatever starts is recorded, so `stop()` (or a start
 * that fails half-way) stops it last-started first, each part even when an earlier one fails.
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const running: RunningPart[] = [];
  // Each part stops once, even when stop() is called again (a second signal).
  const stopAll = () => stopAndReport(running.splice(0), logger);
  try {
    const stores = assembleStores(options);
    const posts = assembleSlackPosts(options, stores, clock);
    const workflow = assembleWorkflow(options, { stores, posts, clock });
    const cloud = options.cloud
      ? assembleCloud(options, options.cloud, { workflow, stores, posts, clock })
      : undefined;
    running.push(...(cloud?.parts ?? []));
    const handlers = assembleHandlers(options, { stores, posts, workflow, cloud, clock });
    // Cards and results queued by a request filed as Slack starts are sent as soon as it is up.
    posts.outbox.start();
    running.push({ name: 'slack outbox', stop: () => posts.outbox.stop() });
    const slack = await startSlack(options, { stores, workflow, handlers, posts });
    running.push({ name: 'slack', stop: () => slack.stop() });
    const background = startBackground(options, { stores, posts, workflow, cloud, clock });
    running.push(...background.parts);
    return {
      slack,
      service: workflow.service,
      sweeper: background.sweeper,
      ...(cloud ? { execution: cloud.execution } : {}),
      ...(background.watch ? { watch: background.watch } : {}),
      stop: stopAll,
    };
  } catch (error) {
    // Stop failures are logged by stopAll; the caller needs the reason the start failed.
    await stopAll().catch(() => undefined);
    throw error;
  }
}
