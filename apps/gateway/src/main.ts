import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { httpClosable, runServer } from '@memtrace/http';
import { prepareGateway } from './gateway.server';

void runServer('gateway', async (config: AppConfig) => {
  const gateway = await prepareGateway({ config });
  await gateway.listen();
  return [httpClosable(gateway.app)];
});
