import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, TcpOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '@memtrace/config';
import { Closable } from '@memtrace/http';
import { createLogger, Metrics, NestPinoLogger } from '@memtrace/observability';
import type { AddressInfo, Server } from 'node:net';
import type { Logger } from 'pino';
import { QueryAppModule } from './query.module';

/** Where the query service listens: MEMTRACE_QUERY_PORT on the servers' bind address. */
export function queryTransport(config: AppConfig): TcpOptions {
  return { transport: Transport.TCP, options: { host: config.http.host, port: config.query.port } };
}

/**
 * Starts a query-service process: a TCP microservice with no HTTP port. It logs `listening` with
 * its TCP port (the real one, also with port 0) like the HTTP apps do.
 */
export async function startQuery(options: { config: AppConfig; logger?: Logger; metrics?: Metrics }): Promise<Closable[]> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'query' });
  const metrics = options.metrics ?? new Metrics();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QueryAppModule.forRoot({ config, logger, metrics }), {
    ...queryTransport(config),
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
  });
  await app.listen();
  logger.info({ app: 'query', port: tcpPort(app.unwrap<Server>()), host: config.http.host, transport: 'tcp' }, 'listening');
  return [{ close: () => app.close() }];
}

export function tcpPort(server: Server): number {
  const address = server.address() as AddressInfo | string | null;
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Serves the query handlers of `app` (which must import `QueryModule`) over TCP as well: the
 * standalone composition, where they share the worker's application and store registry.
 */
export async function attachQueryService(app: INestApplication, config: AppConfig, logger: Logger): Promise<void> {
  const service = app.connectMicroservice<MicroserviceOptions>(queryTransport(config), { inheritAppConfig: false });
  await app.startAllMicroservices();
  logger.info({ app: 'query', port: tcpPort(service.unwrap<Server>()), host: config.http.host, transport: 'tcp' }, 'listening');
}
