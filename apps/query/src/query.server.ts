import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, TcpOptions, Transport } from '@nestjs/microservices';
import { AppConfig } from '@memtrace/config';
import { Closable } from '@memtrace/http';
import { createLogger, Metrics, NestPinoLogger } from '@memtrace/observability';
import { signedJsonSocket } from '@memtrace/tenancy';
import type { AddressInfo, Server } from 'node:net';
import type { Logger } from 'pino';
import { QueryAppModule } from './query.module';

/**
 * Where and how the query service listens: MEMTRACE_QUERY_PORT on its own bind address (loopback
 * by default), every frame signed with the internal secret and capped in size (design §7).
 */
export function queryTransport(config: AppConfig, logger: Logger): TcpOptions {
  const socketClass = signedJsonSocket({
    secret: config.requireInternalSecret(),
    maxFrameBytes: config.query.maxFrameBytes,
    onRefused: (reason, remote) => logger.warn({ remote, reason }, 'internal RPC connection refused'),
  });
  return { transport: Transport.TCP, options: { host: config.query.bindHost, port: config.query.port, socketClass } };
}

/**
 * Starts a query-service process: a TCP microservice with no HTTP port. It logs `listening` with
 * its TCP port (the real one, also with port 0) like the HTTP apps do.
 */
export async function startQuery(options: { config: AppConfig; logger?: Logger; metrics?: Metrics }): Promise<Closable[]> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.log.level, name: 'query' });
  const metrics = options.metrics ?? new Metrics(config.metrics.orgSeries);
  const transport = queryTransport(config, logger);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QueryAppModule.forRoot({ config, logger, metrics }), {
    ...transport,
    abortOnError: false,
    logger: new NestPinoLogger(logger.child({ component: 'nest' })),
  });
  await app.listen();
  app.unwrap<Server>().maxConnections = config.http.connections.maxConnections;
  logger.info({ app: 'query', port: tcpPort(app.unwrap<Server>()), host: config.query.bindHost, transport: 'tcp' }, 'listening');
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
  const service = app.connectMicroservice<MicroserviceOptions>(queryTransport(config, logger), { inheritAppConfig: false });
  await app.startAllMicroservices();
  service.unwrap<Server>().maxConnections = config.http.connections.maxConnections;
  logger.info({ app: 'query', port: tcpPort(service.unwrap<Server>()), host: config.query.bindHost, transport: 'tcp' }, 'listening');
}
