import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { runServer } from '@memtrace/http';
import { startQuery } from './query.server';

void runServer('query', (config: AppConfig) => startQuery({ config }));
