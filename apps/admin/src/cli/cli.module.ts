import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { createLogger } from '@memtrace/observability';
import { PlatformModule } from '@memtrace/tenancy';
import { AdminCoreModule } from '../admin-core.module';

/** The admin service layer without HTTP, for the CLI: it only publishes invalidations. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        PlatformModule.forRoot({
          name: 'cli',
          config,
          logger: createLogger({ level: config.log.level, name: 'cli' }),
          subscribe: false,
        }),
        AdminCoreModule,
      ],
    };
  }
}
