export type { BucketCount, MemoryStore, StoreBinding } from './port/memory-store.port';
export { StoreError, StoreRefusedError, StoreRejectedError, StoreUnavailableError, type StoreErrorOptions } from './port/store.exception';
export { createStore, type StoreFactoryOptions } from './store.factory';
export { ArcMemoryStore, type ArcStoreOptions } from './arc/arc.adapter';
export type { StoreLog } from './arc/arc-http.client';
// The DuckDB adapter is not exported: it loads a 25 MiB native library, which processes bound only to
// Arc never need; `createStore` loads it on first use.
export type { DuckDbStoreOptions } from './duckdb/duckdb.adapter';
export { MemorySqlBuilder, ARC_MAX_SQL_LENGTH } from './sql/memory-sql.builder';
export { isValidMeasurement } from './sql/measurement-name.util';
export { matchesFilter, compareRecords, compareCodePoints } from './filter/memory-filter.predicate';
export { countRecordsByBucket } from './filter/bucket-count.util';
export { MEMORY_COLUMNS, MEMORY_COLUMN_NAMES, type MemoryColumnName, type MemoryColumns } from './schema/memory.columns';
export { fromStoredRow, toMemoryColumns, tagsToCsv, csvToTags } from './schema/memory-row.mapper';
export { encodeArcColumns } from './arc/arc-msgpack.encoder';
export { StoreModule } from './store.module';
export { StoreRegistry, type VersionedBinding } from './store.registry';
