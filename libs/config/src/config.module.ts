import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';

/** Provides `AppConfig`, validated once at boot. Tests pass their own instance via `forRoot`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = AppConfig.fromEnv()) {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
