import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from '@memtrace/config';
import { httpClosable, listeningPort, ProcessPlatform, runServer } from '@memtrace/http';
import { BootstrapService, bootstrapOnStart } from '@memtrace/tenancy';
import { prepareAdmin } from '../../admin/src/admin.server';
import { prepareGateway } from '../../gateway/src/gateway.server';
import { startIngestWorker } from '../../ingest-worker/src/ingest-worker.server';
import { QueryModule } from '../../query/src/query.module';
import { attachQueryService } from '../../query/src/query.server';

/**
 * Everything in one process: the quickstart and `npm start`. It exists because an embedded DuckDB
 * file can have only one owning process, so the apps that touch the store must share this one.
 */
async function startStandalone(env: AppConfig, { logger, metrics }: ProcessPlatform) {
  // The gateway and the query handlers share this process, so their RPC secret can too.
  const config = env.withInProcessSecret();
  mkdirSync(config.dataDir, { recursive: true });
  const embeddedStorePath = resolve(config.dataDir, 'memtrace.duckdb');
  const gateway = await prepareGateway({ config, logger: logger.child({ app: 'gateway' }), metrics, bootstrap: false });
  const admin = await prepareAdmin({ config, logger: logger.child({ app: 'admin' }), metrics, bootstrap: false });
  await bootstrapOnStart(gateway.app.get(BootstrapService), config, logger, { embeddedStorePath });
  // The worker's application owns the embedded DuckDB file for this process; the query handlers
  // run inside it (same StoreRegistry), reached by the gateway over TCP like in a split deployment.
  const worker = await startIngestWorker({
    config,
    logger: logger.child({ app: 'ingest-worker' }),
    metrics,
    extraImports: [QueryModule],
    beforeListen: (app) => attachQueryService(app, config, logger.child({ app: 'query' })),
  });
  await gateway.listen();
  await admin.listen();
  logger.info(
    { gateway: `http://${config.http.host}:${listeningPort(gateway.app)}`, admin: `http://${config.http.host}:${listeningPort(admin.app)}` },
    'memtrace standalone ready',
  );
  // Stop taking requests first, then finish and confirm queued work, then the control plane.
  return [httpClosable(gateway.app), ...worker, httpClosable(admin.app)];
}

void runServer('standalone', startStandalone);
