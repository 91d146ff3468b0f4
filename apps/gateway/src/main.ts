import 'reflect-metadata';
import { AppConfig } from '@memtrace/config';
import { runServer } from '@memtrace/http';
import { startGateway } from './gateway.server';

void runServer('gateway', (config: AppConfig) => startGateway({ config }));
