/**
 * `npm run emulator -- --port 0`: serves the ECS emulator until SIGTERM/SIGINT. Stdout carries exactly
 * one line, `ECS emulator listening on http://HOST:PORT`, so a parent process can read the URL;
 * anything else goes to stderr. Bad flags exit 2.
 */
import { parseCli, USAGE, UsageError } from './cli-args.js';
import { type EmulatorOptions, startEmulator } from './server.js';

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`emulator: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`ECS emulator listening on ${emulator.url}\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`emulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
