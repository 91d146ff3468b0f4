// Flushed data: what Arc keeps as Parquet files under <db>/<measurement>/YYYY/MM/DD/HH/.
// Rows live in one DuckDB table per (database, measurement, column signature) — a "segment" —
// and every row remembers the "file" (one per flush and UTC data hour) it was written to, so
// deletes can report files the way Arc does. Names are kept exactly as written: DuckDB would
// fold `Cpu` and `cpu` into one table, so tables get generated names instead.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBAppender, DuckDBConnection, DuckDBTimestampTZValue } from '@duckdb/node-api';
import { CellValue, ColumnType } from '../ingest/column.typer';
import { DuckdbStore, quoteIdentifier, quoteLiteral } from './duckdb.store';

/** The rows of one buffer, column-major, as handed over by a flush. */
export interface FlushedRows {
  measurement: string;
  signature: string;
  columns: Array<{ name: string; type: ColumnType; values: CellValue[] }>;
  timeMicros: bigint[];
}

interface Segment {
  table: string;
  signature: string;
  columns: Array<{ name: string; type: ColumnType }>;
}

interface FlushedFile {
  name: string;
  rows: number;
  segment: Segment;
}

interface MeasurementData {
  segments: Segment[];
  files: FlushedFile[];
}

const FILE_COLUMN = '__arc_file';
const MICROS_PER_HOUR = 3_600_000_000n;

export class MeasurementCatalog {
  private readonly databases = new Map<string, Map<string, MeasurementData>>();
  private tableCounter = 0;
  private fileCounter = 0;
  /** A directory that never exists: reading it raises DuckDB's "No files found" like Arc. */
  private readonly absentRoot = join(tmpdir(), `arc-double-absent-${process.pid}-${Date.now()}`);

  constructor(private readonly store: DuckdbStore) {}

  /** Materialises one buffer; afterwards its rows are visible to queries and deletes. */
  flush(database: string, rows: FlushedRows): Promise<void> {
    return this.store.exclusive(async (connection) => {
      const data = this.measurementData(database, rows.measurement, true);
      const segment = await this.segmentFor(connection, data, rows);
      const files = this.splitByHour(rows);
      const appender = await connection.createAppender(segment.table);
      try {
        for (const file of files) appendFile(appender, segment, rows, file.name, file.indexes);
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      for (const file of files) data.files.push({ name: file.name, rows: file.indexes.length, segment });
    });
  }

  /**
   * SQL for a table reference to `database.measurement`. With no flushed rows it reads a
   * missing glob, so DuckDB fails with Arc's own "No files found that match the pattern".
   */
  source(database: string, measurement: string): string {
    const data = this.measurementData(database, measurement, false);
    if (!data || data.segments.length === 0) {
      const glob = join(this.absentRoot, database, measurement, '**', '*.parquet');
      return `read_parquet(${quoteLiteral(glob)}, union_by_name=true)`;
    }
    const parts = data.segments.map(
      (segment) => `SELECT * EXCLUDE (${quoteIdentifier(FILE_COLUMN)}) FROM ${quoteIdentifier(segment.table)}`,
    );
    return `(${parts.join(' UNION ALL BY NAME ')})`;
  }

  /** Rows matching `where`, per file. Mirrors Arc: a failing batch count falls back per file. */
  async countMatches(connection: DuckDBConnection, database: string, measurement: string, where: string) {
    const data = this.measurementData(database, measurement, false);
    const counts = new Map<string, number>();
    if (!data || data.files.length === 0) return counts;
    const union = data.segments.map((segment) => `SELECT * FROM ${quoteIdentifier(segment.table)}`);
    const grouped = (from: string) =>
      `SELECT ${quoteIdentifier(FILE_COLUMN)}, COUNT(*) FROM ${from} WHERE ${where} GROUP BY 1 HAVING COUNT(*) > 0`;
    try {
      const result = await DuckdbStore.read(connection, grouped(`(${union.join(' UNION ALL BY NAME ')})`));
      for (const [file, count] of result.rows) counts.set(String(file), Number(count));
    } catch {
      for (const segment of data.segments) {
        try {
          const result = await DuckdbStore.read(connection, grouped(quoteIdentifier(segment.table)));
          for (const [file, count] of result.rows) counts.set(String(file), Number(count));
        } catch {
          // Arc logs and skips a file it cannot count.
        }
      }
    }
    return counts;
  }

  /** Removes the rows of one file for which NOT (where) is not true, as Arc's rewrite keeps only those. */
  async deleteFromFile(connection: DuckDBConnection, database: string, measurement: string, fileName: string, where: string) {
    const data = this.measurementData(database, measurement, false);
    const file = data?.files.find((candidate) => candidate.name === fileName);
    if (!data || !file) return 0;
    const table = quoteIdentifier(file.segment.table);
    const inFile = `${quoteIdentifier(FILE_COLUMN)} = ${quoteLiteral(fileName)}`;
    const counted = await DuckdbStore.read(
      connection,
      `SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT (${where})) FROM ${table} WHERE ${inFile}`,
    );
    const [total, remaining] = counted.rows[0].map(Number);
    await connection.run(`DELETE FROM ${table} WHERE ${inFile} AND (NOT (${where})) IS NOT TRUE`);
    file.rows = remaining;
    if (remaining === 0) await this.dropFile(connection, data, database, measurement, file);
    return total - remaining;
  }

  /** database → measurement → flushed row count. */
  flushedRows(): Map<string, Map<string, number>> {
    const result = new Map<string, Map<string, number>>();
    for (const [database, measurements] of this.databases) {
      const counts = new Map<string, number>();
      for (const [name, data] of measurements) counts.set(name, data.files.reduce((n, f) => n + f.rows, 0));
      result.set(database, counts);
    }
    return result;
  }

  /** Database → measurements that have flushed files, for SHOW DATABASES / SHOW TABLES. */
  listing(): Map<string, Array<{ measurement: string; files: number }>> {
    const result = new Map<string, Array<{ measurement: string; files: number }>>();
    for (const [database, measurements] of this.databases) {
      const entries = [...measurements].map(([measurement, data]) => ({ measurement, files: data.files.length }));
      if (entries.length > 0) result.set(database, entries);
    }
    return result;
  }

  reset(): Promise<void> {
    return this.store.exclusive(async (connection) => {
      for (const measurements of this.databases.values()) {
        for (const data of measurements.values()) {
          for (const segment of data.segments) await connection.run(`DROP TABLE ${quoteIdentifier(segment.table)}`);
        }
      }
      this.databases.clear();
    });
  }

  private measurementData(database: string, measurement: string, create: true): MeasurementData;
  private measurementData(database: string, measurement: string, create: false): MeasurementData | undefined;
  private measurementData(database: string, measurement: string, create: boolean): MeasurementData | undefined {
    let measurements = this.databases.get(database);
    if (!measurements && create) this.databases.set(database, (measurements = new Map()));
    let data = measurements?.get(measurement);
    if (!data && create && measurements) measurements.set(measurement, (data = { segments: [], files: [] }));
    return data;
  }

  private async segmentFor(connection: DuckDBConnection, data: MeasurementData, rows: FlushedRows) {
    const existing = data.segments.find((segment) => segment.signature === rows.signature);
    if (existing) return existing;
    const segment: Segment = {
      table: `arc_segment_${++this.tableCounter}`,
      signature: rows.signature,
      columns: rows.columns.map(({ name, type }) => ({ name, type })),
    };
    const definitions = [
      `${quoteIdentifier(FILE_COLUMN)} VARCHAR`,
      `${quoteIdentifier('time')} TIMESTAMPTZ`,
      ...segment.columns.map((column) => `${quoteIdentifier(column.name)} ${column.type}`),
    ];
    await connection.run(`CREATE TABLE ${quoteIdentifier(segment.table)} (${definitions.join(', ')})`);
    data.segments.push(segment);
    return segment;
  }

  /** Arc writes one Parquet file per UTC hour of the data's timestamps. */
  private splitByHour(rows: FlushedRows): Array<{ name: string; indexes: number[] }> {
    const hours = new Map<bigint, number[]>();
    rows.timeMicros.forEach((micros, index) => {
      const hour = micros / MICROS_PER_HOUR - (micros < 0n && micros % MICROS_PER_HOUR !== 0n ? 1n : 0n);
      const indexes = hours.get(hour);
      if (indexes) indexes.push(index);
      else hours.set(hour, [index]);
    });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    return [...hours.values()].map((indexes) => ({
      name: `${rows.measurement}_${stamp}_${Date.now() * 1000 + (++this.fileCounter % 1000)}.parquet`,
      indexes,
    }));
  }

  private async dropFile(connection: DuckDBConnection, data: MeasurementData, database: string, measurement: string, file: FlushedFile) {
    data.files = data.files.filter((candidate) => candidate !== file);
    const segment = file.segment;
    if (!data.files.some((candidate) => candidate.segment === segment)) {
      await connection.run(`DROP TABLE ${quoteIdentifier(segment.table)}`);
      data.segments = data.segments.filter((candidate) => candidate !== segment);
    }
    if (data.segments.length === 0) this.databases.get(database)?.delete(measurement);
  }
}

function appendFile(appender: DuckDBAppender, segment: Segment, rows: FlushedRows, fileName: string, indexes: number[]) {
  const byName = new Map(rows.columns.map((column) => [column.name, column.values]));
  const ordered = segment.columns.map((column) => ({ type: column.type, values: byName.get(column.name) ?? [] }));
  for (const index of indexes) {
    appender.appendVarchar(fileName);
    appender.appendTimestampTZ(new DuckDBTimestampTZValue(rows.timeMicros[index]));
    for (const column of ordered) appendCell(appender, column.type, column.values[index] ?? null);
    appender.endRow();
  }
}

function appendCell(appender: DuckDBAppender, type: ColumnType, value: CellValue): void {
  if (value === null) appender.appendNull();
  else if (type === 'BIGINT') appender.appendBigInt(value as bigint);
  else if (type === 'DOUBLE') appender.appendDouble(value as number);
  else if (type === 'BOOLEAN') appender.appendBoolean(value as boolean);
  else appender.appendVarchar(value as string);
}
