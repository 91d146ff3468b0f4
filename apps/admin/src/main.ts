import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { httpClosable, runServer } from '@memtrace/http';
import { prepareAdmin } from './admin.server';

void runServer('admin', async (config: AppConfig) => {
  const admin = await prepareAdmin({ config });
  await admin.listen();
  return [httpClosable(admin.app)];
});
