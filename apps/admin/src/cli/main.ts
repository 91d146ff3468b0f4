import 'reflect-metadata';
import { AppConfig, ConfigError } from '@memtrace/config';
import { processIo } from './cli-output';
import { buildCli } from './cli.program';

const config = () => {
  try {
    // Quiet by default: the CLI's output is its stdout, not a log stream. Errors only: the one
    // warning it would log (Redis unreachable) it already prints in its own words.
    return AppConfig.fromEnv(undefined, { MEMTRACE_LOG_LEVEL: 'error' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
};

buildCli(processIo, config)
  .parseAsync(process.argv)
  .catch((error: Error) => {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  });
