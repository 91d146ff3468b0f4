import type { MemoryStore, StoreBinding } from './port/memory-store.port';
import { createStore, StoreFactoryOptions } from './store.factory';

/** A binding as the tenancy layer resolves it; `version` changes whenever the binding row does. */
export interface VersionedBinding extends StoreBinding {
  version: string;
}

/**
 * One open store per org, reopened when the org's binding changes (new URL, token, or file), so
 * `org add-arc` takes effect without a restart. For an embedded DuckDB file this is also what keeps
 * a single owner per file inside the process.
 */
export class StoreRegistry {
  private readonly open = new Map<string, { version: string; kind: StoreBinding['kind']; store: Promise<MemoryStore> }>();

  constructor(
    private readonly resolve: (orgId: string) => Promise<VersionedBinding>,
    private readonly options: StoreFactoryOptions = {},
  ) {}

  async forOrg(orgId: string): Promise<MemoryStore> {
    const binding = await this.resolve(orgId);
    const current = this.open.get(orgId);
    if (current?.version === binding.version) return current.store;
    if (current) await this.evict(orgId);
    const store = createStore(binding, this.options);
    this.open.set(orgId, { version: binding.version, kind: binding.kind, store });
    // A failed open must not stay cached: the next call tries again.
    store.catch(() => {
      if (this.open.get(orgId)?.store === store) this.open.delete(orgId);
    });
    return store;
  }

  /** Closes an org's store (null: all of them); the next use reopens it from its binding. */
  async evict(orgId: string | null): Promise<void> {
    const orgIds = orgId === null ? [...this.open.keys()] : [orgId];
    await Promise.all(
      orgIds.map(async (id) => {
        const entry = this.open.get(id);
        this.open.delete(id);
        if (entry) await entry.store.then((s) => s.close()).catch(() => undefined);
      }),
    );
  }

  /**
   * Closes an org's remote store that is no longer used here (a worker's org went idle), so a
   * process's open stores follow its active orgs. Embedded stores stay open: the file has one owner.
   */
  async release(orgId: string): Promise<void> {
    const entry = this.open.get(orgId);
    if (entry && entry.kind !== 'duckdb') await this.evict(orgId);
  }

  close(): Promise<void> {
    return this.evict(null);
  }
}
