export * from './env.config';
export * from './app-config';
export * from './config.module';
export * from './startup-error';
export { packageVersion } from './package-version';
