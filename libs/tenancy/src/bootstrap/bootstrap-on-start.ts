import { AppConfig } from '@memtrace/config';
import type { Logger } from 'pino';
import { announceAdminKey } from './bootstrap-banner';
import { BootstrapService } from './bootstrap.service';

/** What every serving process does before it listens: bootstrap an empty database, once. */
export async function bootstrapOnStart(
  service: BootstrapService,
  config: AppConfig,
  logger: Logger,
  options: { embeddedStorePath?: string } = {},
): Promise<void> {
  const result = await service.run(options);
  if (result.adminKey) {
    announceAdminKey(result.adminKey, config.bootstrap.keyFile);
    logger.info({ orgId: 'org_default', keyFile: config.bootstrap.keyFile ?? null }, 'first run: created org_default and its admin key');
  }
  if (result.boundEmbeddedStore) logger.info({ path: options.embeddedStorePath }, 'bound org_default to the embedded DuckDB store');
}
