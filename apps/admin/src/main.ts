import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { runServer } from '@memtrace/http';
import { startAdmin } from './admin.server';

void runServer('admin', (config: AppConfig) => startAdmin({ config }));
