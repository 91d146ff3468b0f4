// Public shapes of the Arc test double: its options, the fault switches a test can flip on a
// running double, and the counters it reports. Kept free of runtime imports so both the
// in-process server and the spawn helper can share them.

/** Arc's permission vocabulary (reference/arc.md §1.2). `admin` satisfies every check. */
export type ArcPermission = 'read' | 'write' | 'delete' | 'admin';

/** Token table: plaintext token → its permissions. */
export type ArcTokenTable = Readonly<Record<string, readonly ArcPermission[]>>;

export interface ArcDoubleOptions {
  /** Data port (Arc's API). 0 picks a free port; the handle reports the real one. Default 0. */
  port?: number;
  /** Control port (faults, stats, reset). 0 picks a free port. Default 0. */
  controlPort?: number;
  /** Interface to bind both ports to. Default 127.0.0.1 (loopback only). */
  host?: string;
  /**
   * Age at which a buffer flushes and its rows become queryable. Default 100 (Arc's Docker
   * image); 5000 mimics a bare binary; 0 flushes inside the write, before the 204 is sent.
   */
  maxBufferAgeMs?: number;
  /** Row count that triggers a flush of one buffer. Default 5,000,000 (Arc's arc.toml). */
  maxBufferSize?: number;
  /** `false` (default) leaves every route open; a token table turns Arc's auth on. */
  auth?: false | ArcTokenTable;
  /** `delete.enabled` of arc.toml. Default true, as in the Docker image. */
  deleteEnabled?: boolean;
  /** Largest accepted request body, raw and decompressed. Default 1 GiB, as Arc. */
  maxPayloadBytes?: number;
  /** pino level for the double's own log (written to stderr). Default 'silent'. */
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
}

/** Switches that make the data port misbehave; all off by default. */
export interface ArcDoubleFaults {
  /** Data port closed: connections are refused and open ones are cut, like a crashed Arc. */
  down: boolean;
  /** Delay added before every data-port response. */
  slowMs: number;
  /**
   * Fraction (0..1) of msgpack writes answered 500 without storing anything. Deterministic:
   * an accumulator adds the ratio per write and fails the write that reaches 1, so 0.5 fails
   * every second write and 1 fails all of them.
   */
  failWritesRatio: number;
  /** Same mechanism for `POST /api/v1/query`. */
  failQueriesRatio: number;
}

export interface ArcRouteCounters {
  total: number;
  /** 2xx replies. */
  succeeded: number;
  /** 4xx replies (validation, auth). */
  rejected: number;
  /** 5xx replies, including injected ones. */
  failed: number;
  /** 500s produced by a fault switch. */
  injected: number;
}

export interface ArcMeasurementRows {
  /** Rows materialised by a flush: visible to queries and deletes. */
  flushed: number;
  /** Rows accepted (204) but still in the ingest buffer. */
  buffered: number;
}

export interface ArcDoubleStats {
  writes: ArcRouteCounters;
  queries: ArcRouteCounters;
  deletes: ArcRouteCounters;
  /** Every 500 the data port sent, whatever the route. */
  responses500: number;
  flushes: number;
  /** Flushes that failed to materialise (their rows are lost, as Arc without a WAL). */
  flushErrors: number;
  /** database → measurement → row counts. */
  rows: Record<string, Record<string, ArcMeasurementRows>>;
}

/** What tests hold on to, whether the double runs in-process or as a child process. */
export interface ArcDoubleHandle {
  /** Base URL of the data port, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Base URL of the control port. */
  readonly controlUrl: string;
  readonly port: number;
  readonly controlPort: number;
  /** Merges the given switches into the current ones and returns the result. */
  setFaults(faults: Partial<ArcDoubleFaults>): Promise<ArcDoubleFaults>;
  stats(): Promise<ArcDoubleStats>;
  /** Flushes every buffer now (no auth needed, unlike Arc's flush endpoint). */
  flush(): Promise<void>;
  /** Drops all data, buffers, counters and faults. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}
