import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { httpClosable, ProcessPlatform, runServer } from '@memtrace/http';
import { prepareAdmin } from './admin.server';

void runServer('admin', async (config: AppConfig, platform: ProcessPlatform) => {
  const admin = await prepareAdmin({ config, ...platform });
  await admin.listen();
  return [httpClosable(admin.app)];
});
