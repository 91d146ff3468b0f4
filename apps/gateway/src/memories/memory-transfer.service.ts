import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { ExportPageResponse, LEGACY_READ_PATTERNS, nowUs, QUERY_PATTERNS, RawQueryParams } from '@memtrace/contracts';
import { toExportFilter } from '@memtrace/http';
import { ErasedIds } from '@memtrace/ingest';
import { StoreBindingResolver } from '@memtrace/tenancy';
import { QueryClient } from '../query/query.client';
import { parseImportLines } from './import-lines.parser';
import { MemoryWriteService } from './memory-write.service';

export interface ImportResult {
  /** Memories queued for the store (readable at once, like any acknowledged write). */
  imported: number;
  /** Lines whose id the org already has (an import run twice imports nothing the second time), or repeated in the body. */
  skipped: number;
}

/**
 * Export and import. An export is read page by page (keyset, over the query service) only as fast
 * as the client takes it, so its memory stays constant however many rows it streams. An import
 * request is all or nothing: every line is checked first, then the new ones go in as one job.
 */
@Injectable()
export class MemoryTransferService {
  constructor(
    private readonly config: AppConfig,
    private readonly bindings: StoreBindingResolver,
    private readonly writes: MemoryWriteService,
    private readonly query: QueryClient,
    private readonly erased: ErasedIds,
  ) {}

  /** NDJSON chunks, one page each. The first page is read before it returns, so a bad filter is still a clean 400. */
  async export(orgId: string, params: RawQueryParams): Promise<AsyncGenerator<string>> {
    const at = nowUs();
    const filter = toExportFilter(params, at);
    const read = (next?: ExportPageResponse['next']) => {
      const after = next ? { after: next } : {};
      return this.query.send(QUERY_PATTERNS.exportPage, { orgId, filter, ...after }, { pattern: LEGACY_READ_PATTERNS.exportPage, request: { orgId, params, nowUs: at, ...after } });
    };
    const first = await read();
    return (async function* pages() {
      for (let page = first; ; page = await read(page.next)) {
        if (page.memories.length > 0) yield page.memories.map((m) => `${JSON.stringify(m)}\n`).join('');
        if (!page.next) return;
      }
    })();
  }

  async import(orgId: string, body: unknown, requestId: string): Promise<ImportResult> {
    const lines = parseImportLines(body, this.config.writes);
    await this.bindings.resolve(orgId);
    const seen = new Set<string>();
    const unique = lines.filter((m) => !seen.has(m.id) && seen.add(m.id));
    const times = unique.map((m) => m.timeUs);
    const { ids } = await this.query.send(QUERY_PATTERNS.existingIds, {
      orgId,
      ids: unique.map((m) => m.id),
      minUs: Math.min(...times),
      maxUs: Math.max(...times),
    });
    const existing = new Set(ids);
    const fresh = unique.filter((m) => !existing.has(m.id)).map((m) => ({ ...m, orgId }));
    // No dedup claims: they guard against a client repeating a write within minutes; an import
    // repeats nothing by content, only by id, which is checked above.
    if (fresh.length > 0) {
      // A memory deleted lately and imported again (a backup restored) is wanted back: the worker
      // must not drop it as deleted.
      await this.erased.forget(orgId, fresh.map((m) => m.id));
      await this.writes.accept(orgId, fresh.map((record) => ({ record, dedupKey: '' })), requestId);
    }
    return { imported: fresh.length, skipped: lines.length - fresh.length };
  }
}
