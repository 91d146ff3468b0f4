import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { createLogger } from '@memtrace/observability';
import { TenancyModule } from '@memtrace/tenancy';
import { AdminCoreModule } from '../admin-core.module';

/** The admin service layer without HTTP, for the CLI: it only publishes invalidations. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        TenancyModule.forRoot({
          name: 'cli',
          config,
          // Quiet by default: the CLI's output is its stdout, not a log stream. Errors only: the one
          // warning it would log (Redis unreachable) it already prints in its own words.
          logger: createLogger({ level: process.env.MEMTRACE_LOG_LEVEL ?? 'error', name: 'cli' }),
          subscribe: false,
        }),
        AdminCoreModule,
      ],
    };
  }
}
