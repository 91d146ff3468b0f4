import 'reflect-metadata';
import { AppConfig, ConfigError } from '@memtrace/config';
import { processIo } from './cli-output';
import { buildCli } from './cli.program';

const config = () => {
  try {
    return AppConfig.fromEnv();
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
