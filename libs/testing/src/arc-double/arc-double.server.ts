// Assembles one Arc test double: DuckDB storage, the ingest buffer, Arc's data port and the
// control port. Used in-process by the double's own specs and by main.ts in a child process.
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { ArcDoubleFaults, ArcDoubleHandle, ArcDoubleOptions } from './arc-double.types';
import { TokenGuard } from './auth/token.guard';
import { DeleteHandler } from './delete/delete.handler';
import { FaultSwitches } from './fault.switches';
import { ControlActions, serveControl } from './http/control.router';
import { DataListener } from './http/data.listener';
import { DataRouter } from './http/data.router';
import { MsgpackWriteHandler } from './ingest/msgpack-write.handler';
import { QueryHandler } from './query/query.handler';
import { DuckdbStore } from './storage/duckdb.store';
import { IngestBuffer } from './storage/ingest.buffer';
import { MeasurementCatalog } from './storage/measurement.catalog';
import { TrafficStats } from './traffic.stats';

const DEFAULTS = {
  port: 0,
  controlPort: 0,
  host: '127.0.0.1',
  maxBufferAgeMs: 100,
  maxBufferSize: 5_000_000,
  auth: false as const,
  deleteEnabled: true,
  maxPayloadBytes: 1024 ** 3,
  logLevel: 'silent' as const,
};

export async function startArcDouble(options: ArcDoubleOptions = {}): Promise<ArcDoubleHandle> {
  const settings = { ...DEFAULTS, ...stripUndefined(options) };
  const logger = pino({ name: 'arc-double', level: settings.logLevel }, pino.destination(2));
  const store = await DuckdbStore.open();
  const catalog = new MeasurementCatalog(store);
  const stats = new TrafficStats();
  const faults = new FaultSwitches();
  const buffer = new IngestBuffer(
    catalog,
    { maxBufferAgeMs: settings.maxBufferAgeMs, maxBufferSize: settings.maxBufferSize },
    {
      flushed: () => stats.recordFlush(true),
      failed: (error, database, measurement) => {
        stats.recordFlush(false);
        logger.error({ err: error, database, measurement }, 'flush failed; buffered rows dropped');
      },
    },
  );
  const router = new DataRouter({
    guard: new TokenGuard(settings.auth),
    faults,
    stats,
    buffer,
    write: new MsgpackWriteHandler(buffer, settings.maxPayloadBytes),
    query: new QueryHandler(store, catalog),
    delete: new DeleteHandler(store, catalog, settings.deleteEnabled),
    maxPayloadBytes: settings.maxPayloadBytes,
  });
  const data = new DataListener(router, settings.host, logger);
  const port = await data.listen(settings.port);

  let faultChange = Promise.resolve<ArcDoubleFaults>(faults.faults);
  const actions: ControlActions = {
    faults: () => faults.faults,
    // Serialised so two quick toggles of `down` cannot race on the listener.
    setFaults: (patch) => {
      faultChange = faultChange.catch(() => faults.faults).then(async () => {
        const applied = faults.apply(patch);
        await data.setDown(applied.down);
        return applied;
      });
      return faultChange;
    },
    stats: () => stats.snapshot(catalog.flushedRows(), buffer.bufferedRows()),
    flush: () => buffer.flushAll(),
    reset: async () => {
      await buffer.discardAll();
      await catalog.reset();
      stats.reset();
      await actions.setFaults({ down: false });
      faults.reset();
    },
  };
  const control = createServer((request, response) => {
    serveControl(actions, request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'control request failed');
      response.destroy();
    });
  });
  const controlPort = await listen(control, settings.controlPort, settings.host);
  logger.info({ port, controlPort }, 'arc double listening');

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${settings.host}:${port}`,
    controlUrl: `http://${settings.host}:${controlPort}`,
    port,
    controlPort,
    setFaults: actions.setFaults,
    stats: async () => actions.stats(),
    flush: actions.flush,
    reset: actions.reset,
    stop: () =>
      (stopped ??= (async () => {
        await new Promise<void>((resolve) => {
          control.close(() => resolve());
          control.closeAllConnections();
        });
        await data.close();
        await buffer.discardAll();
        await store.close();
      })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
