import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard, PlatformOptions, PlatformModule } from '@memtrace/tenancy';
import { AdminController } from './admin.controller';
import { AdminCoreModule } from './admin-core.module';
import { AdminHealthController } from './health/admin-health.controller';
import { StoreHealthService } from './store-bindings/store-health.service';

/** Root module of the admin HTTP app. */
@Module({})
export class AdminModule {
  static forRoot(options: Omit<PlatformOptions, 'name'>): DynamicModule {
    return {
      module: AdminModule,
      imports: [PlatformModule.forRoot({ name: 'admin', ...options }), AdminCoreModule],
      controllers: [AdminController, AdminHealthController],
      providers: [StoreHealthService, { provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}
