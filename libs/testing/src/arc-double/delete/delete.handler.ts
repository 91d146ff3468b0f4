// POST /api/v1/delete (reference/arc.md §4.1): Arc's validation and confirmation rules, then
// a per-file rewrite of flushed data only. Rows still in the ingest buffer are untouched and
// show up after their flush.
import { DataRequest, DataResponse, jsonResponse } from '../http/data-exchange.types';
import { parseJsonBody } from '../http/json-body.parser';
import { DuckdbStore } from '../storage/duckdb.store';
import { MeasurementCatalog } from '../storage/measurement.catalog';
import { validateWhereClause, WhereClauseError } from './where-clause.validator';

const CONFIRMATION_THRESHOLD = 10_000;
const MAX_ROWS_PER_DELETE = 1_000_000;

interface DeleteReply {
  success: boolean;
  deleted_count: number;
  affected_files: number;
  rewritten_files: number;
  execution_time_ms: number;
  dry_run: boolean;
  files_processed: string[] | null;
  failed_files?: string[];
  error?: string;
}

export class DeleteHandler {
  constructor(
    private readonly store: DuckdbStore,
    private readonly catalog: MeasurementCatalog,
    private readonly enabled: boolean,
  ) {}

  /** GET /api/v1/delete/config */
  config(): DataResponse {
    return jsonResponse(200, {
      enabled: this.enabled,
      confirmation_threshold: CONFIRMATION_THRESHOLD,
      max_rows_per_delete: MAX_ROWS_PER_DELETE,
      implementation: 'rewrite-based',
      performance_impact: { deletes: 'expensive (file rewrites)', queries: 'zero overhead', writes: 'zero overhead' },
    });
  }

  async handle(request: DataRequest): Promise<DataResponse> {
    const started = Date.now();
    const reply = (status: number, fields: Partial<DeleteReply>): DataResponse => ({
      status,
      body: JSON.stringify(orderedReply({ execution_time_ms: 0, ...fields })),
    });
    const reject = (status: number, error: string) => reply(status, { success: false, error });
    if (!this.enabled) {
      return reject(403, 'Delete operations are disabled. Set delete.enabled=true in arc.toml to enable.');
    }
    const parsed = parseJsonBody(request, 'api.DeleteRequest', {
      database: 'string',
      measurement: 'string',
      where: 'string',
      dry_run: 'bool',
      confirm: 'bool',
    });
    if (!parsed.ok) return reject(400, `Invalid request body: ${parsed.error}`);
    const { database, measurement, where, dry_run: dryRun, confirm } = parsed.value;
    if (database === '') return reject(400, 'database is required');
    if (measurement === '') return reject(400, 'measurement is required');
    if (/[/\\]/.test(database) || database.includes('..')) return reject(400, 'database name contains invalid characters');
    if (/[/\\]/.test(measurement) || measurement.includes('..')) {
      return reject(400, 'measurement name contains invalid characters');
    }
    let fullTable: boolean;
    try {
      fullTable = validateWhereClause(where);
    } catch (error) {
      if (error instanceof WhereClauseError) return reject(400, error.message);
      throw error;
    }
    if (fullTable && !confirm) return reject(400, 'Full table delete detected (WHERE 1=1). Set confirm=true to proceed.');
    if (!dryRun && !confirm) {
      return reject(400, 'Confirmation required for delete operation. Set confirm=true or use dry_run=true to preview.');
    }

    return this.store.exclusive(async (connection) => {
      const elapsed = () => Date.now() - started;
      const matches = await this.catalog.countMatches(connection, database, measurement, where);
      if (matches.size === 0) {
        return reply(200, { success: true, execution_time_ms: elapsed(), dry_run: dryRun, files_processed: [] });
      }
      const total = [...matches.values()].reduce((sum, count) => sum + count, 0);
      if (total > MAX_ROWS_PER_DELETE) {
        return reject(
          400,
          `Delete would affect ${total} rows, exceeding maximum of ${MAX_ROWS_PER_DELETE}. Adjust delete.max_rows_per_delete in arc.toml or refine WHERE clause.`,
        );
      }
      if (total > CONFIRMATION_THRESHOLD && !confirm) {
        return reject(
          400,
          `Delete would affect ${total} rows (threshold: ${CONFIRMATION_THRESHOLD}). Set confirm=true to proceed.`,
        );
      }
      const files = [...matches.keys()];
      if (dryRun) {
        return reply(200, {
          success: true,
          deleted_count: total,
          affected_files: files.length,
          execution_time_ms: elapsed(),
          dry_run: true,
          files_processed: files,
        });
      }
      let deleted = 0;
      const processed: string[] = [];
      const failed: string[] = [];
      for (const file of files) {
        try {
          deleted += await this.catalog.deleteFromFile(connection, database, measurement, file, where);
          processed.push(file);
        } catch {
          failed.push(file);
        }
      }
      return reply(failed.length > 0 ? 207 : 200, {
        success: failed.length === 0,
        deleted_count: deleted,
        affected_files: files.length,
        rewritten_files: processed.length,
        execution_time_ms: elapsed(),
        files_processed: processed,
        ...(failed.length > 0 ? { failed_files: failed, error: `${failed.length} of ${files.length} files failed to process` } : {}),
      });
    });
  }
}

/** Arc's DeleteResponse field order; files_processed is null on early errors (a nil Go slice). */
function orderedReply(fields: Partial<DeleteReply>): DeleteReply {
  const reply: DeleteReply = {
    success: fields.success ?? false,
    deleted_count: fields.deleted_count ?? 0,
    affected_files: fields.affected_files ?? 0,
    rewritten_files: fields.rewritten_files ?? 0,
    execution_time_ms: fields.execution_time_ms ?? 0,
    dry_run: fields.dry_run ?? false,
    files_processed: fields.files_processed ?? null,
  };
  if (fields.failed_files) reply.failed_files = fields.failed_files;
  if (fields.error) reply.error = fields.error;
  return reply;
}
