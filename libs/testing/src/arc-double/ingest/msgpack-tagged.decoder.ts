// A small MessagePack decoder that keeps the wire type of every scalar. JS decoders collapse
// int and float (95 and 95.0 both become the number 95), but Arc types a column by whether
// its first non-null value was an int or a float on the wire (reference/arc.md §2.3, §8.3).
// Each value also carries the Go type name Arc's decoder would see, because Arc quotes it
// in error messages (`invalid timestamp type in columnar format: string`).

export type TaggedValue =
  | { kind: 'int'; value: bigint; goType: string }
  | { kind: 'float'; value: number; goType: 'float32' | 'float64' }
  | { kind: 'str'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'bin'; value: Uint8Array }
  /** Only the timestamp extension (-1) decodes; Arc's decoder rejects any other ext id. */
  | { kind: 'time'; seconds: bigint; nanos: number }
  | { kind: 'array'; items: TaggedValue[] }
  | { kind: 'map'; entries: Map<string, TaggedValue>; stringKeys: boolean };

export class MsgpackDecodeError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes one MessagePack value; trailing bytes are ignored, as Go's Unmarshal does. */
export function decodeTagged(bytes: Uint8Array): TaggedValue {
  return new TaggedReader(bytes).read();
}

/** The `%T` Go would print for a value decoded into interface{}. */
export function goTypeName(value: TaggedValue): string {
  switch (value.kind) {
    case 'int':
      return value.goType;
    case 'float':
      return value.goType;
    case 'str':
      return 'string';
    case 'bool':
      return 'bool';
    case 'nil':
      return '<nil>';
    case 'bin':
      return '[]uint8';
    case 'time':
      return 'time.Time';
    case 'array':
      return '[]interface {}';
    case 'map':
      return value.stringKeys ? 'map[string]interface {}' : 'map[interface {}]interface {}';
  }
}

class TaggedReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  read(): TaggedValue {
    const b = this.u8();
    if (b <= 0x7f) return { kind: 'int', value: BigInt(b), goType: 'int8' };
    if (b >= 0xe0) return { kind: 'int', value: BigInt(b - 0x100), goType: 'int8' };
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f);
    if ((b & 0xf0) === 0x90) return this.array(b & 0x0f);
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f);
    switch (b) {
      case 0xc0:
        return { kind: 'nil' };
      case 0xc2:
        return { kind: 'bool', value: false };
      case 0xc3:
        return { kind: 'bool', value: true };
      case 0xc4:
        return { kind: 'bin', value: this.take(this.u8()) };
      case 0xc5:
        return { kind: 'bin', value: this.take(this.u16()) };
      case 0xc6:
        return { kind: 'bin', value: this.take(this.u32()) };
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca:
        return { kind: 'float', value: this.view.getFloat32(this.advance(4)), goType: 'float32' };
      case 0xcb:
        return { kind: 'float', value: this.view.getFloat64(this.advance(8)), goType: 'float64' };
      case 0xcc:
        return { kind: 'int', value: BigInt(this.u8()), goType: 'uint8' };
      case 0xcd:
        return { kind: 'int', value: BigInt(this.u16()), goType: 'uint16' };
      case 0xce:
        return { kind: 'int', value: BigInt(this.u32()), goType: 'uint32' };
      case 0xcf:
        return { kind: 'int', value: this.view.getBigUint64(this.advance(8)), goType: 'uint64' };
      case 0xd0:
        return { kind: 'int', value: BigInt(this.view.getInt8(this.advance(1))), goType: 'int8' };
      case 0xd1:
        return { kind: 'int', value: BigInt(this.view.getInt16(this.advance(2))), goType: 'int16' };
      case 0xd2:
        return { kind: 'int', value: BigInt(this.view.getInt32(this.advance(4))), goType: 'int32' };
      case 0xd3:
        return { kind: 'int', value: this.view.getBigInt64(this.advance(8)), goType: 'int64' };
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
      default:
        throw new MsgpackDecodeError(`msgpack: invalid code=${b.toString(16)} decoding interface{}`);
    }
  }

  private array(length: number): TaggedValue {
    const items: TaggedValue[] = [];
    for (let i = 0; i < length; i++) items.push(this.read());
    return { kind: 'array', items };
  }

  private map(length: number): TaggedValue {
    const entries = new Map<string, TaggedValue>();
    let stringKeys = true;
    for (let i = 0; i < length; i++) {
      const key = this.read();
      if (key.kind !== 'str') stringKeys = false;
      const name = key.kind === 'str' ? key.value : describeKey(key);
      entries.set(name, this.read());
    }
    return { kind: 'map', entries, stringKeys };
  }

  private str(length: number): TaggedValue {
    // Arc sanitises invalid UTF-8; the non-fatal decoder replaces bad bytes with U+FFFD.
    return { kind: 'str', value: utf8.decode(this.take(length)) };
  }

  private ext(length: number): TaggedValue {
    const type = this.view.getInt8(this.advance(1));
    const data = this.take(length);
    if (type !== -1) throw new MsgpackDecodeError(`msgpack: unknown ext id=${type}`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (length === 4) return { kind: 'time', seconds: BigInt(view.getUint32(0)), nanos: 0 };
    if (length === 8) {
      const high = view.getUint32(0);
      const low = view.getUint32(4);
      return { kind: 'time', seconds: (BigInt(high & 0x3) << 32n) | BigInt(low), nanos: high >>> 2 };
    }
    if (length === 12) return { kind: 'time', seconds: view.getBigInt64(4), nanos: view.getUint32(0) };
    throw new MsgpackDecodeError(`msgpack: invalid timestamp ext length=${length}`);
  }

  private u8(): number {
    return this.view.getUint8(this.advance(1));
  }

  private u16(): number {
    return this.view.getUint16(this.advance(2));
  }

  private u32(): number {
    return this.view.getUint32(this.advance(4));
  }

  private take(length: number): Uint8Array {
    const start = this.advance(length);
    return this.bytes.subarray(start, start + length);
  }

  /** Returns the current offset and moves past `length` bytes, failing on truncated input. */
  private advance(length: number): number {
    const start = this.offset;
    if (start + length > this.bytes.length) throw new MsgpackDecodeError('EOF');
    this.offset += length;
    return start;
  }
}

function describeKey(key: TaggedValue): string {
  switch (key.kind) {
    case 'int':
      return key.value.toString();
    case 'float':
      return String(key.value);
    case 'bool':
      return String(key.value);
    default:
      return `<${goTypeName(key)}>`;
  }
}
