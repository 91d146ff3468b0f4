/**
 * Specs only: walks msgpack bytes and keeps each value's type marker, which a normal decoder throws
 * away (it decodes the float64 `1.0` and the int `1` to the same number).
 */
export type Marked =
  | { marker: number; value: string | number | bigint | boolean | null }
  | { marker: number; items: Marked[] }
  | { marker: number; entries: [Marked, Marked][] };

export function readMarked(bytes: Uint8Array): Marked {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const text = (n: number): string => {
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const items = (marker: number, n: number): Marked => ({ marker, items: Array.from({ length: n }, () => next()) });
  const entries = (marker: number, n: number): Marked => ({
    marker,
    entries: Array.from({ length: n }, () => [next(), next()] as [Marked, Marked]),
  });
  const next = (): Marked => {
    const m = bytes[pos++];
    if (m <= 0x7f) return { marker: m, value: m };
    if (m >= 0x80 && m <= 0x8f) return entries(m, m & 0x0f);
    if (m >= 0x90 && m <= 0x9f) return items(m, m & 0x0f);
    if (m >= 0xa0 && m <= 0xbf) return { marker: m, value: text(m & 0x1f) };
    if (m >= 0xe0) return { marker: m, value: m - 0x100 };
    switch (m) {
      case 0xc0: return { marker: m, value: null };
      case 0xc2: return { marker: m, value: false };
      case 0xc3: return { marker: m, value: true };
      case 0xcb: pos += 8; return { marker: m, value: view.getFloat64(pos - 8) };
      case 0xd3: pos += 8; return { marker: m, value: view.getBigInt64(pos - 8) };
      case 0xcf: pos += 8; return { marker: m, value: view.getBigUint64(pos - 8) };
      case 0xd9: pos += 1; return { marker: m, value: text(view.getUint8(pos - 1)) };
      case 0xda: pos += 2; return { marker: m, value: text(view.getUint16(pos - 2)) };
      case 0xdb: pos += 4; return { marker: m, value: text(view.getUint32(pos - 4)) };
      case 0xdc: pos += 2; return items(m, view.getUint16(pos - 2));
      case 0xdd: pos += 4; return items(m, view.getUint32(pos - 4));
      case 0xde: pos += 2; return entries(m, view.getUint16(pos - 2));
      case 0xdf: pos += 4; return entries(m, view.getUint32(pos - 4));
      default: throw new Error(`marker 0x${m.toString(16)} not expected in a store payload`);
    }
  };
  const root = next();
  if (pos !== bytes.length) throw new Error(`${bytes.length - pos} trailing bytes`);
  return root;
}

/** The `columns` map of an Arc payload, as column name → marked array. */
export function markedColumns(root: Marked): Map<string, Marked[]> {
  if (!('entries' in root)) throw new Error('payload is not a map');
  const columns = root.entries.find(([k]) => 'value' in k && k.value === 'columns')?.[1];
  if (!columns || !('entries' in columns)) throw new Error('no columns map');
  return new Map(
    columns.entries.map(([k, v]) => {
      if (!('value' in k) || !('items' in v)) throw new Error('bad column');
      return [String(k.value), v.items];
    }),
  );
}
