import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';
import { parseSandboxEnv } from './sandbox/env.js';

/**
 * The bot and the sandbox are loaded only once the configuration is known: the cloud SDK and Bolt
 * take seconds to load, and a configuration error is reported without waiting for them.
 */
function main(): void {
  let result: ReturnType<typeof loadConfig>;
  try {
    result = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `shared-disk-bot: ${error.message}\n\nSee the Configuration section of README.md.\n`,
      );
      process.exit(2);
    }
    throw error;
  }
  if (result.kind === 'sandbox') {
    const sandbox = parseSandboxEnv(process.env);
    if (!sandbox.ok) {
      process.stderr.write(`shared-disk-bot sandbox: invalid environment\n${sandbox.problems}\n`);
      process.exit(2);
    }
    void import('./sandbox/run.js').then(({ runSandbox }) => runSandbox(sandbox.value));
    return;
  }
  const { config } = result;
  const logger = createLogger(config.logLevel);
  import('./run-bot.js')
    .then(({ runBot }) => runBot(config, logger))
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`shared-disk-bot: ${error.message}\n`);
        process.exit(2);
      }
      logger.fatal({ event: 'app.start_failed', err: error }, 'shared-disk-bot failed to start');
      process.exit(1);
    });
}

main();
