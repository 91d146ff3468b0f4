import { Injectable } from '@nestjs/common';
import { ExistingIdsRequest, ExistingIdsResponse, ExportPageResponse, inOrg, MEMORY_ID_PATTERN, MemoryKey, ReadFilter, toMemoryWire } from '@memtrace/contracts';
import { MemoryReader } from './memory-reader';

/** Rows per export page: the list route's largest page, so a reply stays within the RPC frame cap. */
export const EXPORT_PAGE_ROWS = 1_000;

/** Ids per lookup: an `IN` list of UUIDs this long keeps the query under Arc's 10,000-character limit. */
const IDS_PER_QUERY = 150;

/**
 * Export and import's reads: an export is paged by key (time, id) rather than by offset, so each
 * page costs the same however deep into ten million rows it is, and rows written meanwhile neither
 * shift nor repeat a page.
 */
@Injectable()
export class MemoryExportService {
  constructor(private readonly reader: MemoryReader) {}

  async page(orgId: string, filter: ReadFilter, after: MemoryKey | undefined): Promise<ExportPageResponse> {
    const records = await this.reader.query({ filter: { ...inOrg(orgId, filter), after }, order: 'asc', limit: EXPORT_PAGE_ROWS });
    const last = records.at(-1);
    return { memories: records.map(toMemoryWire), next: last && records.length === EXPORT_PAGE_ROWS ? { timeUs: last.timeUs, id: last.id } : null };
  }

  async existingIds(request: ExistingIdsRequest): Promise<ExistingIdsResponse> {
    const ids = request.ids.filter((id) => MEMORY_ID_PATTERN.test(id)).map((id) => id.toLowerCase());
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      const rows = await this.reader.query({ filter: { orgId: request.orgId, ids: chunk, sinceUs: request.minUs - 1, untilUs: request.maxUs + 1 }, order: 'asc', limit: chunk.length });
      for (const row of rows) found.add(row.id);
    }
    return { ids: [...found] };
  }
}
