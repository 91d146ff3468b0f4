import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { ProcessPlatform, runServer } from '@memtrace/http';
import { startIngestWorker } from './ingest-worker.server';

void runServer('ingest-worker', (config: AppConfig, platform: ProcessPlatform) => startIngestWorker({ config, ...platform }));
