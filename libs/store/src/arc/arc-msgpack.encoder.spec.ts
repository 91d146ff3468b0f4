import { decode } from '@msgpack/msgpack';
import { markedColumns, memoryRecord, readMarked } from '@memtrace/testing';
import { toMemoryColumns } from '../schema/memory-row.mapper';
import { MEMORY_COLUMN_NAMES } from '../schema/memory.columns';
import { encodeArcColumns } from './arc-msgpack.encoder';

describe('encodeArcColumns', () => {
  it('produces the columnar {m, columns} payload a standard decoder reads back', () => {
    const records = [memoryRecord({ importance: 1, tags: ['a', 'b'], metadata: { k: 'v' } }), memoryRecord({ content: 'héllo 😀', importance: 0.25 })];
    const decoded = decode(encodeArcColumns('memories', toMemoryColumns(records)), { useBigInt64: true }) as { m: string; columns: Record<string, unknown[]> };

    expect(decoded.m).toBe('memories');
    expect(Object.keys(decoded.columns)).toEqual([...MEMORY_COLUMN_NAMES]);
    expect(decoded.columns.time).toEqual(records.map((r) => BigInt(r.timeUs)));
    expect(decoded.columns.content).toEqual([records[0].content, 'héllo 😀']);
    expect(decoded.columns.tags_csv).toEqual(['a,b', '']);
    expect(decoded.columns.metadata_json).toEqual(['{"k":"v"}', '{}']);
    expect(decoded.columns.importance).toEqual([1, 0.25]);
  });

  it('types every column by declaration: time int64, importance float64 even when integral, text str', () => {
    const records = [0, 1, -0, 0.5, 3].map((importance) => memoryRecord({ importance }));
    const columns = markedColumns(readMarked(encodeArcColumns('memories', toMemoryColumns(records))));

    expect(columns.get('importance')!.map((v) => v.marker)).toEqual([0xcb, 0xcb, 0xcb, 0xcb, 0xcb]);
    expect(columns.get('importance')!.map((v) => ('value' in v ? v.value : undefined))).toEqual([0, 1, -0, 0.5, 3]);
    expect(columns.get('time')!.map((v) => v.marker)).toEqual(Array(5).fill(0xd3));
    expect(columns.get('time')!.map((v) => ('value' in v ? v.value : undefined))).toEqual(records.map((r) => BigInt(r.timeUs)));
    for (const name of MEMORY_COLUMN_NAMES.filter((n) => n !== 'time' && n !== 'importance')) {
      for (const value of columns.get(name)!) expect(value.marker === 0xd9 || (value.marker >= 0xa0 && value.marker <= 0xbf)).toBe(true);
    }
  });

  it('sizes string headers for the worst case and still writes the exact UTF-8 bytes', () => {
    const contents = ['', 'x'.repeat(10), 'é'.repeat(20), 'a'.repeat(300), '😀'.repeat(20_000)];
    const records = contents.map((content) => memoryRecord({ content }));
    const columns = markedColumns(readMarked(encodeArcColumns('memories', toMemoryColumns(records))));

    const content = columns.get('content')!;
    expect(content.map((v) => ('value' in v ? v.value : undefined))).toEqual(contents);
    // fixstr up to 31 bytes worst case (10 chars), str8 up to 255 (20 × 3), str16, str32 (40,000 units × 3)
    expect(content.map((v) => v.marker)).toEqual([0xa0, 0xaa, 0xd9, 0xda, 0xdb]);
  });

  it('uses array16 and array32 headers for large batches', () => {
    const small = markedColumns(readMarked(encodeArcColumns('m', toMemoryColumns(Array.from({ length: 20 }, () => memoryRecord())))));
    expect(small.get('id')).toHaveLength(20);
    const large = encodeArcColumns('m', toMemoryColumns(Array.from({ length: 70_000 }, () => memoryRecord({ content: '' }))));
    const columns = readMarked(large);
    const columnsMap = 'entries' in columns ? columns.entries[1][1] : undefined;
    const timeArray = columnsMap && 'entries' in columnsMap ? columnsMap.entries[0][1] : undefined;
    expect(timeArray?.marker).toBe(0xdd);
    expect(timeArray && 'items' in timeArray ? timeArray.items : []).toHaveLength(70_000);
  });
});
