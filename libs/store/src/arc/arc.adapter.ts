import type { MemoryFilter, MemoryRecord } from '@memtrace/contracts';
import { StoreRejectedError } from '../port/store.exception';
import { toMemoryColumns } from '../schema/memory-row.mapper';
import { MemorySqlBuilder } from '../sql/memory-sql.builder';
import { SqlMemoryStore } from '../sql/sql-memory.store';
import { encodeArcColumns } from './arc-msgpack.encoder';
import { ArcHttpClient, type ArcTransport, type StoreLog } from './arc-http.client';
import { readDeletedCount, readQueryRows, unreadable } from './arc-reply.mapper';

export interface ArcStoreOptions {
  url: string;
  database: string;
  measurement: string;
  token?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Injectable for tests (see `ArcHttpClient`). */
  transport?: ArcTransport;
  /** Gets what Arc said when a request fails (tenant-visible errors carry only the status). */
  log?: StoreLog;
}

/** Arc's write-side database rule (reference/arc.md §2.5). */
const DATABASE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Arc guesses the unit of `time` from its first value (reference/arc.md §2.3): only µs values in
 * [1e13, 1e16), i.e. 1970-04-26 to 2286-11-20, are read as µs.
 */
const MIN_ARC_MICROS = 1e13;
const MAX_ARC_MICROS = 1e16;

/** The store port on one Arc database and measurement. */
export class ArcMemoryStore extends SqlMemoryStore {
  /** Arc's 204 means buffered: the rows become queryable when Arc flushes its buffer. */
  readonly writesVisibleOnCommit = false;
  private readonly http: ArcHttpClient;

  constructor(private readonly options: ArcStoreOptions) {
    if (!DATABASE.test(options.database)) throw new StoreRejectedError(`invalid Arc database name ${JSON.stringify(options.database)}`);
    if (!/^https?:\/\//.test(options.url)) throw new StoreRejectedError(`Arc URL must be http(s): ${JSON.stringify(options.url)}`);
    super(new MemorySqlBuilder(options.measurement));
    this.http = new ArcHttpClient({ ...options, timeoutMs: options.timeoutMs ?? 30_000 });
  }

  async write(records: readonly MemoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const columns = toMemoryColumns(records);
    const outOfRange = columns.time.findIndex((us) => us < MIN_ARC_MICROS || us >= MAX_ARC_MICROS);
    if (outOfRange >= 0) {
      throw new StoreRejectedError(`memory at index ${outOfRange}: time ${columns.time[outOfRange]} µs is outside what Arc reads as µs (1970-04-26 to 2286-11-20)`);
    }
    await this.http.send('write', {
      method: 'POST',
      path: '/api/v1/write/msgpack',
      body: encodeArcColumns(this.sql.measurement, columns),
      contentType: 'application/msgpack',
      authenticated: true,
    });
  }

  /** Arc's admin delete endpoint: needs an admin token, and touches flushed rows only (§4.1). */
  async delete(filter: MemoryFilter): Promise<number> {
    const body = JSON.stringify({
      database: this.options.database,
      measurement: this.sql.measurement,
      where: this.sql.where(filter),
      dry_run: false,
      confirm: true,
    });
    return this.http.send('delete', { method: 'POST', path: '/api/v1/delete', body, contentType: 'application/json', authenticated: true }, readDeletedCount);
  }

  async ping(): Promise<void> {
    await this.http.send('ping', { method: 'GET', path: '/health', authenticated: false });
  }

  async close(): Promise<void> {
    // Nothing to release: connections belong to the process-wide pool of Arc origins.
  }

  /** A row Arc returned that is not a memory row is Arc's fault, not the caller's input. */
  protected override toRecords(rows: Record<string, unknown>[]): MemoryRecord[] {
    try {
      return super.toRecords(rows);
    } catch (err) {
      throw this.http.failed('query', unreadable('query', err instanceof Error ? err.message : String(err)));
    }
  }

  protected async rows(sql: string): Promise<Record<string, unknown>[]> {
    return this.http.send(
      'query',
      { method: 'POST', path: '/api/v1/query', body: JSON.stringify({ sql }), contentType: 'application/json', authenticated: true },
      readQueryRows,
    );
  }
}
