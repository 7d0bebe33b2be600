// The floor: a bare Bolt app whose only listener acks, configured like bolt-offline-testing.md §3.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  token: 'xoxb-bench',
  botId: 'B0BENCH',
  botUserId: 'U0BENCH',
  logLevel: LogLevel.ERROR,
});
app.command('/disk', async ({ ack }) => {
  await ack();
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
