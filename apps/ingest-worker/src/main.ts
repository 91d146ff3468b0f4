import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { runServer } from '@memtrace/http';
import { startIngestWorker } from './ingest-worker.server';

void runServer('ingest-worker', (config: AppConfig) => startIngestWorker({ config }));
