// Write API: payload shapes, compression, names and error replies (reference/arc.md §2).
import { gzipSync } from 'node:zlib';
import { startArcDouble } from './arc-double.server';
import { encodeTyped, SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';

const SECONDS = 1_787_234_602n;

describe('Arc double: msgpack write API', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  const rows = async (sql: string) => (await client.query(sql)).body.data;

  it('accepts a batch and a top-level array, skipping items that fail to decode', async () => {
    const batch = await client.write({
      batch: [
        { m: 'shapes', columns: { time: [SECONDS], src: ['batch'] } },
        { m: 'shapes', columns: { time: ['not a time'], src: ['skipped'] } },
        ['not', 'a', 'map'],
      ],
    });
    expect(batch.status).toBe(204);
    const array = await client.write([
      { columns: { time: [SECONDS], src: ['no measurement'] } },
      { m: 'shapes', columns: { time: [SECONDS], src: ['array'] } },
    ]);
    expect(array.status).toBe(204);
    expect(await rows('SELECT src FROM shapes ORDER BY src')).toEqual([['array'], ['batch']]);
  });

  it('stores row-format records: h becomes host and overrides tags.host; tags are strings', async () => {
    const reply = await client.write([
      { m: 'legacy', t: SECONDS * 1000n, h: 'server01', fields: { usage: 0.5 }, tags: { host: 'ignored', rack: 7n } },
      { m: 'legacy', t: SECONDS * 1000n, fields: { usage: 0.25 }, tags: { rack: 8n } },
    ]);
    expect(reply.status).toBe(204);
    expect(await rows('SELECT host, rack, usage, time FROM legacy ORDER BY usage')).toEqual([
      ['unknown', '8', 0.25, '2026-08-20T14:03:22Z'],
      ['server01', '7', 0.5, '2026-08-20T14:03:22Z'],
    ]);
  });

  it('decompresses gzip by magic bytes, whatever the headers say', async () => {
    const body = gzipSync(encodeTyped({ m: 'zipped', columns: { time: [SECONDS], v: [1n] } }));
    expect((await client.writeRaw(body, { 'Content-Type': 'text/plain' })).status).toBe(204);
    expect(await rows('SELECT v FROM zipped')).toEqual([[1]]);
  });

  it('answers a zstd body with 400 (no decoder on Node 20)', async () => {
    const zstdFrame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00]);
    const reply = await client.writeRaw(zstdFrame);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/^Invalid zstd compression: /);
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'Empty payload'],
    [
      'a length mismatch',
      encodeTyped({ m: 'bad', columns: { time: [SECONDS, SECONDS], v: [1n] } }),
      "Invalid MessagePack payload: columnar format: array length mismatch (expected 2, got 1 for 'v')",
    ],
    [
      'a map without m',
      encodeTyped({ columns: { time: [SECONDS] } }),
      "Invalid MessagePack payload: missing required field 'm' (measurement)",
    ],
    [
      'a row without fields',
      encodeTyped({ m: 'bad', t: SECONDS }),
      "Invalid MessagePack payload: missing required field 'fields' or 'f'",
    ],
    ['a scalar payload', encodeTyped('text'), 'Invalid MessagePack payload: unsupported msgpack payload type: string'],
    ['truncated msgpack', Buffer.from([0x82, 0xa1]), 'Invalid MessagePack payload: failed to unmarshal msgpack: EOF'],
  ])('rejects %s with 400', async (_label, body, error) => {
    const reply = await client.writeRaw(body);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error });
  });

  it('validates the database header and measurement names', async () => {
    const db = await client.writeColumns('ok', { time: [SECONDS] }, { 'x-arc-database': '9lives' });
    expect(db.status).toBe(400);
    expect(db.body.error).toMatch(/^invalid database name: must start with a letter/);
    const measurement = await client.writeColumns('bad name', { time: [SECONDS] });
    expect(measurement.status).toBe(400);
    expect(measurement.body.error).toMatch(/^invalid measurement name "bad name": must start with a letter/);
  });

  it('names an integer measurement measurement_<n>', async () => {
    await client.write({ m: 42n, columns: { time: [SECONDS], v: [1n] } });
    expect(await rows('SELECT v FROM measurement_42')).toEqual([[1]]);
  });

  it('answers 500 for a binary value column', async () => {
    const reply = await client.writeColumns('binary', { time: [SECONDS], v: [new Uint8Array([1, 2])] });
    expect(reply.status).toBe(500);
    expect(reply.body.error).toBe(
      "Failed to write records: failed to convert columns: unsupported column type for 'v': []uint8",
    );
  });

  it('flushes the open buffer when the column signature changes, and unions the schemas', async () => {
    const arcSlow = await startArcDouble({ maxBufferAgeMs: 600_000 });
    try {
      const slow = new SpecClient(arcSlow.url);
      await slow.writeColumns('evolving', { time: [SECONDS], a: [1n] });
      await slow.writeColumns('evolving', { time: [SECONDS + 1n], a: [1.5], b: ['x'] });
      // The first batch was flushed by the signature change; the second still waits.
      expect((await slow.query('SELECT a FROM evolving')).body.data).toEqual([[1]]);
      await arcSlow.flush();
      const reply = await slow.query('SELECT typeof(a) AS t, a, b FROM evolving ORDER BY time');
      expect(reply.body.data).toEqual([
        ['DOUBLE', 1, null],
        ['DOUBLE', 1.5, 'x'],
      ]);
    } finally {
      await arcSlow.stop();
    }
  });
});
