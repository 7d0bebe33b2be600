/** Clicking Retry on a finished request's result, as Alice, through the signed Slack endpoint. */
import { expect } from 'vitest';
import { ACTION_RETRY } from '../../src/slack/blocks/request-card.js';
import { APPROVALS_CHANNEL } from './approval-bot.js';
import { type FailoverHarness, json, USERS } from './failover-harness.js';

/** Clicks Retry on `requestId` and returns the id of the request it opened (or throws with the reply). */
export async function clickRetry(f: FailoverHarness, requestId: string): Promise<string> {
  const path = `retry-${requestId}`;
  await f.h.client.click({
    userId: USERS.alice,
    actionId: ACTION_RETRY,
    value: requestId,
    channelId: APPROVALS_CHANNEL,
    messageTs: (await f.h.bot.service.get(requestId))?.card?.ts ?? '',
    responseUrl: f.h.fake.responseUrl(path),
  });
  const working = json(await f.h.fake.waitFor((c) => c.method === `/response/${path}`, 15_000));
  expect(working).toContain(`finishes \`${requestId}\``);
  const reply = json(
    await f.h.fake.waitFor(
      (c) => c.method === `/response/${path}` && /opened|Nothing|fix this/.test(json(c)),
      30_000,
    ),
  );
  const opened = /R-[0-9A-Z]{10}/.exec(reply.replace(new RegExp(requestId, 'g'), ''))?.[0];
  if (!opened) throw new Error(`Retry opened nothing: ${reply}`);
  return opened;
}
