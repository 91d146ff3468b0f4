import { Attributes, SpanKind } from '@opentelemetry/api';
import type { MemoryFilter, MemoryQuery, MemoryRecord } from '@memtrace/contracts';
import { inSpan } from '@memtrace/observability';
import type { BucketCount, MemoryStore, StoreBinding } from './port/memory-store.port';

/**
 * The store port with one CLIENT span per store call (database client conventions): named
 * `<operation> <measurement>` (`INSERT events`, `SELECT events`), with `db.system.name` (`arc`,
 * `duckdb`), `db.operation.name`, `db.collection.name`, `db.namespace` (the Arc database) and the
 * Arc server's address. No query text: it holds tenants' filter values. Wrapped around a store only
 * while tracing is on (see `createStore`); pings (health checks) are not traced.
 */
export class TracedMemoryStore implements MemoryStore {
  readonly writesVisibleOnCommit: boolean;
  private readonly attributes: Attributes;
  private readonly measurement: string;

  constructor(
    private readonly store: MemoryStore,
    binding: StoreBinding,
  ) {
    this.writesVisibleOnCommit = store.writesVisibleOnCommit;
    this.measurement = binding.measurement;
    this.attributes = { 'db.system.name': binding.kind, 'db.collection.name': binding.measurement, ...serverOf(binding) };
  }

  write(records: readonly MemoryRecord[]): Promise<void> {
    return this.traced('INSERT', () => this.store.write(records), records.length > 1 ? { 'db.operation.batch.size': records.length } : undefined);
  }

  query(q: MemoryQuery): Promise<MemoryRecord[]> {
    return this.traced('SELECT', () => this.store.query(q));
  }

  count(filter: MemoryFilter): Promise<number> {
    return this.traced('SELECT', () => this.store.count(filter));
  }

  countByType(filter: MemoryFilter): Promise<Record<string, number>> {
    return this.traced('SELECT', () => this.store.countByType(filter));
  }

  countByBucket(filter: MemoryFilter, bucketUs: number): Promise<BucketCount[]> {
    return this.traced('SELECT', () => this.store.countByBucket(filter, bucketUs));
  }

  findVisibleIds(orgId: string, ids: readonly string[], minUs: number, maxUs: number): Promise<Set<string>> {
    return this.traced('SELECT', () => this.store.findVisibleIds(orgId, ids, minUs, maxUs));
  }

  delete(filter: MemoryFilter): Promise<number> {
    return this.traced('DELETE', () => this.store.delete(filter));
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private traced<T>(operation: string, call: () => Promise<T>, extra?: Attributes): Promise<T> {
    const attributes = { ...this.attributes, 'db.operation.name': operation, ...extra };
    return inSpan(`${operation} ${this.measurement}`, { kind: SpanKind.CLIENT, attributes }, call);
  }
}

/** Arc: its database and server; an embedded DuckDB has neither. */
function serverOf(binding: StoreBinding): Attributes {
  if (binding.kind !== 'arc') return {};
  try {
    const url = new URL(binding.url);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { 'db.namespace': binding.database, 'server.address': url.hostname, 'server.port': port };
  } catch {
    return { 'db.namespace': binding.database };
  }
}
