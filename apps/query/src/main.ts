import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { ProcessPlatform, runServer } from '@memtrace/http';
import { startQuery } from './query.server';

void runServer('query', (config: AppConfig, platform: ProcessPlatform) => startQuery({ config, ...platform }));
