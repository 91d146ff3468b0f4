import type { MemoryRecord } from '@memtrace/contracts';
import type { RefusedBatch } from './org-batcher';

/**
 * What the consumer reports to the rest of the deployment, beside the store and Redis. The worker
 * app implements it (PostgreSQL: agents' last activity, the tenant's audit log), so this library
 * holds no catalog writes of its own.
 */
export interface IngestHooks {
  /** Rows the store confirmed. Called on the batch's path: gather, do not wait on I/O here. */
  stored(orgId: string, records: readonly MemoryRecord[]): void;
  /** A batch the org's binding kept refusing, now dead-lettered. */
  refused(orgId: string, batch: RefusedBatch): Promise<void>;
  /** Flushes what was gathered, at shutdown. */
  close(): Promise<void>;
}

/** Nest token of the app's `IngestHooks`. */
export const INGEST_HOOKS = Symbol('INGEST_HOOKS');
