import { tracingEnabled } from '@memtrace/observability';
import { ArcMemoryStore } from './arc/arc.adapter';
import type { StoreLog } from './arc/arc-http.client';
import type { MemoryStore, StoreBinding } from './port/memory-store.port';
import { StoreRejectedError } from './port/store.exception';
import { TracedMemoryStore } from './traced-memory.store';

export interface StoreFactoryOptions {
  /** Arc per-request timeout; default 30 s. */
  arcTimeoutMs?: number;
  /** Where Arc's reply to a failed request is logged (never shown to the tenant). */
  log?: StoreLog;
}

/**
 * Opens the store a binding describes. DuckDB opens (and creates) its file; Arc opens nothing yet.
 * While tracing is on, every store call is a CLIENT span (`TracedMemoryStore`).
 */
export async function createStore(binding: StoreBinding, options: StoreFactoryOptions = {}): Promise<MemoryStore> {
  const store = await openStore(binding, options);
  return tracingEnabled() ? new TracedMemoryStore(store, binding) : store;
}

async function openStore(binding: StoreBinding, options: StoreFactoryOptions): Promise<MemoryStore> {
  switch (binding.kind) {
    case 'arc':
      return new ArcMemoryStore({
        url: binding.url,
        database: binding.database,
        measurement: binding.measurement,
        token: binding.token,
        timeoutMs: options.arcTimeoutMs,
        log: options.log,
      });
    case 'duckdb': {
      // Loaded on first use: its native library is 25 MiB of RSS in processes that only talk to Arc.
      const { DuckDbMemoryStore } = await import('./duckdb/duckdb.adapter.js');
      return DuckDbMemoryStore.open({ path: binding.url, measurement: binding.measurement });
    }
    default:
      throw new StoreRejectedError(`unknown store kind ${JSON.stringify((binding as { kind?: unknown }).kind)}`);
  }
}
