import { MEMORY_COLUMNS, type MemoryColumns, type WireType } from '../schema/memory.columns';

/**
 * Encodes a batch as Arc's columnar msgpack `{m, columns}` (reference/arc.md §2.2), each column with
 * its declared msgpack type. Hand-written because a generic JS encoder picks the type from the value:
 * `@msgpack/msgpack` sends `1.0` as the int `1`, and Arc would then type `importance` as BIGINT and
 * truncate every later fraction in the request (§2.3). Here `int64` is always 0xd3, `float64` always
 * 0xcb, strings a str header (fixstr/str8/16/32) sized for the worst case before encoding.
 */
export function encodeArcColumns(measurement: string, columns: MemoryColumns): Uint8Array {
  const out = new ByteWriter();
  out.mapHeader(2);
  out.str('m');
  out.str(measurement);
  out.str('columns');
  out.mapHeader(MEMORY_COLUMNS.length);
  for (const column of MEMORY_COLUMNS) {
    const values: readonly (string | number)[] = columns[column.name];
    out.str(column.name);
    out.arrayHeader(values.length);
    for (const value of values) out.typed(column.wire, value);
  }
  return out.bytes();
}

const utf8 = new TextEncoder();

class ByteWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  typed(wire: WireType, value: string | number): void {
    if (wire === 'string') return this.str(value as string);
    if (wire === 'float64') return this.float64(value as number);
    this.int64(value as number);
  }

  mapHeader(size: number): void {
    if (size < 16) return this.u8(0x80 | size);
    if (size < 0x10000) return this.u8u16(0xde, size);
    this.u8u32(0xdf, size);
  }

  arrayHeader(size: number): void {
    if (size < 16) return this.u8(0x90 | size);
    if (size < 0x10000) return this.u8u16(0xdc, size);
    this.u8u32(0xdd, size);
  }

  str(value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; encode in place, then write the header before it.
    const max = value.length * 3;
    this.ensure(5 + max);
    const header = max < 32 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
    const n = utf8.encodeInto(value, this.buf.subarray(this.pos + header)).written;
    if (header === 1) {
      this.buf[this.pos] = 0xa0 | n;
    } else if (header === 2) {
      this.buf[this.pos] = 0xd9;
      this.buf[this.pos + 1] = n;
    } else if (header === 3) {
      this.buf[this.pos] = 0xda;
      this.view.setUint16(this.pos + 1, n);
    } else {
      this.buf[this.pos] = 0xdb;
      this.view.setUint32(this.pos + 1, n);
    }
    this.pos += header + n;
  }

  private float64(value: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.view.setFloat64(this.pos + 1, value);
    this.pos += 9;
  }

  private int64(value: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xd3;
    this.view.setBigInt64(this.pos + 1, BigInt(value));
    this.pos += 9;
  }

  private u8(byte: number): void {
    this.ensure(1);
    this.buf[this.pos++] = byte;
  }

  private u8u16(byte: number, n: number): void {
    this.ensure(3);
    this.buf[this.pos] = byte;
    this.view.setUint16(this.pos + 1, n);
    this.pos += 3;
  }

  private u8u32(byte: number, n: number): void {
    this.ensure(5);
    this.buf[this.pos] = byte;
    this.view.setUint32(this.pos + 1, n);
    this.pos += 5;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
