// A minimal Arc client for the double's own specs: msgpack writes encoded with exact types,
// JSON queries, deletes. Integers are passed as bigint so they stay msgpack ints while every
// JS number is forced to float64 (reference/arc.md §2.3, "JavaScript pitfall").
import { encode } from '@msgpack/msgpack';

export interface ArcReply<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface QueryBody {
  success: boolean;
  columns: string[] | null;
  data: unknown[][] | null;
  row_count: number;
  execution_time_ms: number;
  timestamp: string;
  error?: string;
}

export type Headers = Record<string, string>;

/** Msgpack with exact typing: bigint → int64, number → float64. */
export function encodeTyped(payload: unknown): Uint8Array {
  return encode(payload, { forceIntegerToFloat: true, useBigInt64: true });
}

export class SpecClient {
  constructor(
    private readonly baseUrl: string,
    private readonly defaultHeaders: Headers = {},
  ) {}

  writeRaw(body: Uint8Array, headers: Headers = {}): Promise<ArcReply<{ error?: string }>> {
    return this.send('POST', '/api/v1/write/msgpack', Buffer.from(body), {
      'Content-Type': 'application/msgpack',
      ...headers,
    });
  }

  write(payload: unknown, headers: Headers = {}): Promise<ArcReply<{ error?: string }>> {
    return this.writeRaw(encodeTyped(payload), headers);
  }

  /** One columnar write: {m, columns}. */
  writeColumns(measurement: string, columns: Record<string, unknown[]>, headers: Headers = {}) {
    return this.write({ m: measurement, columns }, headers);
  }

  query(sql: string, headers: Headers = {}): Promise<ArcReply<QueryBody>> {
    return this.send('POST', '/api/v1/query', JSON.stringify({ sql }), { 'Content-Type': 'application/json', ...headers });
  }

  delete(body: Record<string, unknown>, headers: Headers = {}) {
    return this.send<Record<string, unknown>>('POST', '/api/v1/delete', JSON.stringify(body), {
      'Content-Type': 'application/json',
      ...headers,
    });
  }

  flush(headers: Headers = {}) {
    return this.send<Record<string, unknown>>('POST', '/api/v1/write/line-protocol/flush', undefined, headers);
  }

  async send<T = unknown>(method: string, path: string, body?: string | Buffer, headers: Headers = {}): Promise<ArcReply<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body,
      headers: { ...this.defaultHeaders, ...headers },
    });
    const text = await response.text();
    return { status: response.status, text, body: (text === '' ? undefined : JSON.parse(text)) as T };
  }
}
