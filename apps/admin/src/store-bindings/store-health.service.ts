import { Injectable } from '@nestjs/common';
import { StoreBindingRepository } from '@memtrace/catalog';
import { StoreBindingResolver } from '@memtrace/tenancy';

const REFRESH_MS = 5_000;

/**
 * Per-tenant store health for operators (`GET /admin/v1/stores/health`), at most 5 s old. A tenant
 * is healthy when its binding opens. It used to be in the public /health and /ready, which named
 * every tenant to anyone (design §7: public endpoints name no tenant).
 */
@Injectable()
export class StoreHealthService {
  private snapshot: Record<string, boolean> = {};
  private refreshedAt = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly bindings: StoreBindingRepository,
    private readonly resolver: StoreBindingResolver,
  ) {}

  async tenants(): Promise<Record<string, boolean>> {
    if (Date.now() - this.refreshedAt > REFRESH_MS) {
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.snapshot;
  }

  private async refresh() {
    const rows = await this.bindings.list();
    const entries = await Promise.all(
      rows.map(async (row) => [row.orgId, await this.resolver.resolve(row.orgId).then(() => true, () => false)] as const),
    );
    this.snapshot = Object.fromEntries(entries);
    this.refreshedAt = Date.now();
  }
}
