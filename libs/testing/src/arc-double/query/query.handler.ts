// POST /api/v1/query (reference/arc.md §3): validate, resolve table references against the
// flushed data, run on DuckDB, answer with Arc's envelope. A reference to a measurement with no
// flushed rows makes DuckDB raise "No files found", which Arc turns into an empty success.
import { BIGINT, DOUBLE, VARCHAR } from '@duckdb/node-api';
import { formatRfc3339 } from '../go-value.formatter';
import { DataRequest, DataResponse, headerValue } from '../http/data-exchange.types';
import { parseJsonBody } from '../http/json-body.parser';
import { DuckdbStore } from '../storage/duckdb.store';
import { MeasurementCatalog } from '../storage/measurement.catalog';
import { emptyEnvelope, errorEnvelope, ResultTable, successEnvelope } from './query-envelope.encoder';
import { CrossDatabaseReferenceError, rewriteTableReferences } from './sql.rewriter';
import { tokenize } from './sql.lexer';
import { hasCrossDatabaseSyntax, headerDatabaseError, SqlValidationError, validateSql } from './sql.validator';
import { rewriteTimeFunctions } from './time-function.rewriter';

type ShowResult = { kind: 'table'; table: ResultTable } | { kind: 'error'; error: string } | null;

const SHOW_DATABASES = /^\s*SHOW\s+DATABASES\s*;?\s*$/i;
const SHOW_TABLES = /^\s*SHOW\s+(?:TABLES|MEASUREMENTS)(?:\s+FROM\s+([\w-]+))?\s*;?\s*$/i;
const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

export class QueryHandler {
  constructor(
    private readonly store: DuckdbStore,
    private readonly catalog: MeasurementCatalog,
  ) {}

  async handle(request: DataRequest): Promise<DataResponse> {
    const started = Date.now();
    const timestamp = formatRfc3339(new Date(started));
    const reply = (status: number, envelope: (ms: number, ts: string) => string): DataResponse => ({
      status,
      body: envelope(Date.now() - started, timestamp),
    });
    const fail = (status: number, message: string) => reply(status, (ms, ts) => errorEnvelope(message, ms, ts));

    const parsed = parseJsonBody(request, 'api.QueryRequest', { sql: 'string' });
    if (!parsed.ok) return fail(400, `Invalid request body: ${parsed.error}`);
    const sql = parsed.value.sql;
    try {
      validateSql(sql);
    } catch (error) {
      if (error instanceof SqlValidationError) return fail(400, error.message);
      throw error;
    }
    const headerDatabase = headerValue(request.headers, 'x-arc-database');
    const headerError = headerDatabaseError(headerDatabase);
    if (headerError) return fail(400, headerError);
    if (headerDatabase && hasCrossDatabaseSyntax(sql)) {
      return fail(400, 'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set');
    }

    const show = this.showCommand(sql, headerDatabase);
    if (show?.kind === 'error') return fail(400, show.error);
    if (show?.kind === 'table') return reply(200, (ms, ts) => successEnvelope(show.table, ms, ts));

    try {
      const result = await this.store.exclusive((connection) => {
        // Resolved inside the exclusive section, so the query sees exactly the flushed state.
        const executable = /from|join/i.test(sql)
          ? rewriteTableReferences(rewriteTimeFunctions(sql), headerDatabase, (db, m) => this.catalog.source(db, m))
          : sql;
        return DuckdbStore.read(connection, executable);
      });
      return reply(200, (ms, ts) => successEnvelope(result, ms, ts));
    } catch (error) {
      if (error instanceof CrossDatabaseReferenceError) return fail(400, error.message);
      // DuckDB's errors come from the native addon; under jest they are not `instanceof Error`.
      const message = typeof (error as { message?: unknown }).message === 'string' ? (error as Error).message : String(error);
      if (message.includes('No files found that match the pattern')) return reply(200, emptyEnvelope);
      return fail(500, message);
    }
  }

  /** SHOW DATABASES / SHOW TABLES [FROM db] / SHOW MEASUREMENTS, answered from the catalog. */
  private showCommand(sql: string, headerDatabase: string): ShowResult {
    const text = tokenize(sql)
      .filter((token) => token.kind !== 'comment')
      .map((token) => token.text)
      .join('');
    if (SHOW_DATABASES.test(text)) {
      const names = [...this.catalog.listing().keys()].sort();
      return { kind: 'table', table: table(['database'], names.map((name) => [name])) };
    }
    const match = SHOW_TABLES.exec(text);
    if (!match) return null;
    const database = match[1] ?? (headerDatabase || 'default');
    if (!IDENTIFIER.test(database) || database.length > 128) {
      return { kind: 'error', error: 'invalid database name: name contains invalid characters (allowed: alphanumeric, underscore, hyphen)' };
    }
    // Only for a SHOW: the listing walks every database, and every query passes through here.
    const rows = (this.catalog.listing().get(database) ?? [])
      .sort((a, b) => a.measurement.localeCompare(b.measurement))
      .map((entry) => [database, entry.measurement, `${database}/${entry.measurement}/`, BigInt(entry.files), 0]);
    return { kind: 'table', table: table(['database', 'table_name', 'storage_path', 'file_count', 'total_size_mb'], rows) };
  }
}

/** A small result table in the shape the envelope encoder reads, with VARCHAR/BIGINT/DOUBLE columns. */
function table(columnNames: string[], rows: Array<Array<string | bigint | number>>): ResultTable {
  const typeOf = (value: string | bigint | number) =>
    typeof value === 'string' ? VARCHAR : typeof value === 'bigint' ? BIGINT : DOUBLE;
  const sample = rows[0];
  const columnTypes = columnNames.map((_, i) => (sample ? typeOf(sample[i]) : VARCHAR));
  return { columnNames, columnTypes, rows };
}
