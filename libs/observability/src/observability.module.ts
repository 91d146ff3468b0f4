import { Global, Module } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { Logger } from 'pino';
import { createLogger } from './logger';
import { Metrics } from './metrics';

export const LOGGER = Symbol('LOGGER');

/** The process logger (token `LOGGER`) and metrics, shared by every module of the process. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: { name: string; logger?: Logger; metrics?: Metrics }) {
    return {
      module: ObservabilityModule,
      providers: [
        {
          provide: LOGGER,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => options.logger ?? createLogger({ level: config.log.level, name: options.name }),
        },
        { provide: Metrics, useValue: options.metrics ?? new Metrics() },
      ],
      exports: [LOGGER, Metrics],
    };
  }
}
