import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { httpClosable, ProcessPlatform, runServer } from '@memtrace/http';
import { prepareGateway } from './gateway.server';

void runServer('gateway', async (config: AppConfig, platform: ProcessPlatform) => {
  const gateway = await prepareGateway({ config, ...platform });
  await gateway.listen();
  return [httpClosable(gateway.app)];
});
