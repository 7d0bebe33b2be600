// The floor: a bare Bolt app whose only listener acks, configured like bolt-offline-testing.md §3.
// With BARE_REPLIES (JSON: command text → reply body) it acks with that body instead of an empty
// one, which shows how much of the bot's cost is the bytes of its reply rather than its own work.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';

const replies = JSON.parse(process.env.BARE_REPLIES ?? '{}') as Record<string, object>;
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  token: 'xoxb-bench',
  botId: 'B0BENCH',
  botUserId: 'U0BENCH',
  logLevel: LogLevel.ERROR,
});
app.command('/disk', async ({ ack, command }) => {
  await ack(replies[command.text]);
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
