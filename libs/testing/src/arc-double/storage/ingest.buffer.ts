// Arc's ingest buffer (reference/arc.md §7): rows answered with 204 wait here, invisible to
// queries and deletes, until their (database, measurement) buffer flushes — on age (the clock
// starts at the first write into an empty buffer), on size, when a batch arrives with another
// column signature (the old buffer flushes inside that write), or on an explicit flush.
import { CellValue, ColumnType, TypedBatch } from '../ingest/column.typer';
import { MeasurementCatalog } from './measurement.catalog';

export interface IngestBufferOptions {
  maxBufferAgeMs: number;
  maxBufferSize: number;
}

export interface FlushObserver {
  flushed(rows: number): void;
  failed(error: unknown, database: string, measurement: string): void;
}

interface BufferEntry {
  database: string;
  measurement: string;
  signature: string;
  columns: Array<{ name: string; type: ColumnType; values: CellValue[] }>;
  timeMicros: bigint[];
  timer?: NodeJS.Timeout;
}

export class IngestBuffer {
  private readonly buffers = new Map<string, BufferEntry>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly catalog: MeasurementCatalog,
    private readonly options: IngestBufferOptions,
    private readonly observer: FlushObserver,
  ) {}

  /** Buffers one batch; resolves once it is buffered (or, with age 0, flushed). */
  async write(database: string, batch: TypedBatch): Promise<void> {
    const key = `${database}\u0000${batch.measurement}`;
    let entry = this.buffers.get(key);
    while (entry && entry.signature !== batch.signature) {
      await this.flushEntry(key, entry);
      entry = this.buffers.get(key);
    }
    if (!entry) entry = this.open(key, database, batch);
    for (const column of entry.columns) {
      const incoming = batch.columns.find((candidate) => candidate.name === column.name);
      column.values.push(...(incoming?.values ?? batch.timeMicros.map(() => null)));
    }
    entry.timeMicros.push(...batch.timeMicros);
    if (this.options.maxBufferAgeMs <= 0) await this.flushEntry(key, entry);
    else if (entry.timeMicros.length >= this.options.maxBufferSize) void this.flushEntry(key, entry);
  }

  /** Flushes every open buffer and waits for flushes already under way. */
  async flushAll(): Promise<void> {
    const pending = [...this.buffers].map(([key, entry]) => this.flushEntry(key, entry));
    await Promise.all([...pending, ...this.inFlight]);
  }

  /** database → measurement → rows waiting in a buffer. */
  bufferedRows(): Map<string, Map<string, number>> {
    const result = new Map<string, Map<string, number>>();
    for (const entry of this.buffers.values()) {
      const counts = result.get(entry.database) ?? new Map<string, number>();
      counts.set(entry.measurement, (counts.get(entry.measurement) ?? 0) + entry.timeMicros.length);
      result.set(entry.database, counts);
    }
    return result;
  }

  /** Drops buffered rows without flushing them. */
  async discardAll(): Promise<void> {
    for (const entry of this.buffers.values()) clearTimeout(entry.timer);
    this.buffers.clear();
    await Promise.all(this.inFlight);
  }

  private open(key: string, database: string, batch: TypedBatch): BufferEntry {
    const entry: BufferEntry = {
      database,
      measurement: batch.measurement,
      signature: batch.signature,
      columns: batch.columns.map(({ name, type }) => ({ name, type, values: [] })),
      timeMicros: [],
    };
    if (this.options.maxBufferAgeMs > 0) {
      entry.timer = setTimeout(() => void this.flushEntry(key, entry), this.options.maxBufferAgeMs);
      entry.timer.unref();
    }
    this.buffers.set(key, entry);
    return entry;
  }

  private flushEntry(key: string, entry: BufferEntry): Promise<void> {
    // Only the buffer still registered under its key may flush: a timer firing for a buffer
    // that another trigger already flushed must not write its rows twice.
    if (this.buffers.get(key) !== entry) return Promise.resolve();
    this.buffers.delete(key);
    clearTimeout(entry.timer);
    const rows = entry.timeMicros.length;
    const flush = this.catalog
      .flush(entry.database, { ...entry, columns: entry.columns })
      .then(
        () => this.observer.flushed(rows),
        (error: unknown) => this.observer.failed(error, entry.database, entry.measurement),
      )
      .finally(() => this.inFlight.delete(flush));
    this.inFlight.add(flush);
    return flush;
  }
}
