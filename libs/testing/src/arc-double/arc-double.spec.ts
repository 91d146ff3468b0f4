// The behaviours reference/arc.md §8.5 asks the double's own suite to pin, run in-process.
import { encode } from '@msgpack/msgpack';
import { startArcDouble } from './arc-double.server';
import { SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';

// 2026-08-20T14:03:22Z in each unit Arc guesses from a value's size.
const SECONDS = 1_787_234_602n;

describe('Arc double: read-after-write visibility', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    // A buffer age far beyond the test's length: only explicit flushes make rows visible.
    arc = await startArcDouble({ maxBufferAgeMs: 600_000 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  it('hides a written row until its buffer flushes, then returns it', async () => {
    const write = await client.writeColumns('visibility', { time: [SECONDS * 1000n], v: [1n] });
    expect(write.status).toBe(204);
    expect(write.text).toBe('');

    const before = await client.query('SELECT v FROM visibility');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ success: true, columns: [], data: [], row_count: 0 });

    const flush = await client.flush();
    expect(flush.status).toBe(200);
    expect(flush.body).toEqual({ status: 'success', message: 'All buffers flushed' });

    const after = await client.query('SELECT v FROM visibility');
    expect(after.body).toMatchObject({ success: true, columns: ['v'], data: [[1]], row_count: 1 });
  });

  it('answers COUNT(*) on a never-written measurement with no rows and no columns', async () => {
    const reply = await client.query('SELECT COUNT(*) AS n FROM never_written');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ success: true, columns: [], data: [], row_count: 0 });
  });

  it('answers a measurement that has files but no matching rows with its real columns', async () => {
    await client.writeColumns('filtered', { time: [SECONDS], v: [1n] });
    await arc.flush();
    const reply = await client.query('SELECT v FROM filtered WHERE v > 100');
    expect(reply.body).toMatchObject({ success: true, columns: ['v'], data: [], row_count: 0 });
  });
});

describe('Arc double: maxBufferAgeMs', () => {
  it('with 0, makes rows visible before the 204 is returned', async () => {
    const arc = await startArcDouble({ maxBufferAgeMs: 0 });
    try {
      const client = new SpecClient(arc.url);
      expect((await client.writeColumns('instant', { time: [SECONDS], v: [7n] })).status).toBe(204);
      const reply = await client.query('SELECT v FROM instant');
      expect(reply.body.data).toEqual([[7]]);
    } finally {
      await arc.stop();
    }
  });

  it('with a positive age, flushes on its own without an explicit flush', async () => {
    const arc = await startArcDouble({ maxBufferAgeMs: 20 });
    try {
      const client = new SpecClient(arc.url);
      await client.writeColumns('aged', { time: [SECONDS], v: [3n] });
      let data: unknown[][] | null = [];
      for (let attempt = 0; attempt < 200 && data?.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        data = (await client.query('SELECT v FROM aged')).body.data;
      }
      expect(data).toEqual([[3]]);
    } finally {
      await arc.stop();
    }
  });
});

describe('Arc double: column typing', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  const typed = async (measurement: string) =>
    (await client.query(`SELECT typeof(v) AS t, v FROM ${measurement} ORDER BY time`)).body.data;

  it('types an integer-first column BIGINT and truncates later floats toward zero', async () => {
    const times = [SECONDS, SECONDS + 1n, SECONDS + 2n];
    expect((await client.writeColumns('int_first', { time: times, v: [1n, 2.7, -2.7] })).status).toBe(204);
    expect(await typed('int_first')).toEqual([
      ['BIGINT', 1],
      ['BIGINT', 2],
      ['BIGINT', -2],
    ]);
  });

  it('types a float-first column DOUBLE and widens later integers', async () => {
    await client.writeColumns('float_first', { time: [SECONDS, SECONDS + 1n], v: [1.5, 2n] });
    expect(await typed('float_first')).toEqual([
      ['DOUBLE', 1.5],
      ['DOUBLE', 2],
    ]);
  });

  it('sees the wire type: a default-encoded 95.0 is an int, so the column becomes BIGINT', async () => {
    // @msgpack/msgpack's default encoding sends 95 as an int and 95.5 as a float.
    const time = [Number(SECONDS), Number(SECONDS) + 1];
    const body = encode({ m: 'js_pitfall', columns: { time, v: [95, 95.5] } });
    expect((await client.writeRaw(body)).status).toBe(204);
    expect(await typed('js_pitfall')).toEqual([
      ['BIGINT', 95],
      ['BIGINT', 95],
    ]);
  });

  it('answers 500 with Arc message when strings and numbers mix', async () => {
    const reply = await client.writeColumns('mixed', { time: [SECONDS, SECONDS], v: [1n, 'x'] });
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({
      error: "Failed to write records: failed to convert columns: cannot convert string to int64 in column 'v'",
    });
    const reverse = await client.writeColumns('mixed', { time: [SECONDS, SECONDS], v: ['x', 1.5] });
    expect(reverse.body.error).toBe(
      "Failed to write records: failed to convert columns: unexpected type in string column 'v': float64",
    );
  });

  it('stores an all-null column as VARCHAR NULL', async () => {
    await client.writeColumns('all_null', { time: [SECONDS], v: [null] });
    expect(await typed('all_null')).toEqual([['VARCHAR', null]]);
  });

  it('drops columns whose name starts with an underscore', async () => {
    await client.writeColumns('underscored', { time: [SECONDS], v: [1n], _x: [2n] });
    const all = await client.query('SELECT * FROM underscored');
    expect(all.body.columns?.sort()).toEqual(['time', 'v']);
    const direct = await client.query('SELECT _x FROM underscored');
    expect(direct.status).toBe(500);
    expect(direct.body.error).toContain('Binder Error');
  });
});

describe('Arc double: time column', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  it('normalises s, ms, µs and ns epochs to the same instant', async () => {
    const units: Array<[string, bigint]> = [
      ['s', SECONDS],
      ['ms', SECONDS * 1_000n],
      ['us', SECONDS * 1_000_000n],
      ['ns', SECONDS * 1_000_000_000n],
    ];
    for (const [unit, value] of units) {
      expect((await client.writeColumns('units', { time: [value], unit: [unit] })).status).toBe(204);
    }
    const reply = await client.query('SELECT unit, time FROM units ORDER BY unit');
    expect(reply.body.data).toEqual([
      ['ms', '2026-08-20T14:03:22Z'],
      ['ns', '2026-08-20T14:03:22Z'],
      ['s', '2026-08-20T14:03:22Z'],
      ['us', '2026-08-20T14:03:22Z'],
    ]);
  });

  it('prints fractions the Go RFC3339Nano way, trailing zeros trimmed', async () => {
    // One write per unit: the unit is guessed once per column, from its first value.
    await client.writeColumns('fractions', { time: [SECONDS * 1_000_000n + 500_000n], n: [1n] });
    await client.writeColumns('fractions', { time: [SECONDS * 1_000_000_000n + 123_456_789n], n: [2n] });
    const reply = await client.query('SELECT time FROM fractions ORDER BY n');
    expect(reply.body.data).toEqual([['2026-08-20T14:03:22.5Z'], ['2026-08-20T14:03:22.123456Z']]);
  });

  it('guesses the unit from the first value only, so mixed units in one column corrupt times', async () => {
    await client.writeColumns('mixed_units', { time: [SECONDS, SECONDS * 1_000n], n: [1n, 2n] });
    const reply = await client.query('SELECT time FROM mixed_units ORDER BY n');
    expect(reply.body.data?.[0]).toEqual(['2026-08-20T14:03:22Z']);
    expect(reply.body.data?.[1]).not.toEqual(['2026-08-20T14:03:22Z']);
  });

  it('rejects a string time with Arc 400', async () => {
    const reply = await client.writeColumns('bad_time', { time: ['2026-08-20T14:03:22Z'], v: [1n] });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error:
        'Invalid MessagePack payload: failed to normalize timestamps: invalid timestamp type in columnar format: string',
    });
  });

  it('rejects a JS Date (msgpack timestamp extension) in time', async () => {
    const reply = await client.writeColumns('bad_time', { time: [new Date()], v: [1n] });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatch(/invalid timestamp type in columnar format: time\.Time$/);
  });

  it('stamps rows with the ingest time when there is no time column', async () => {
    await client.writeColumns('no_time', { v: [1n] });
    const reply = await client.query("SELECT time > NOW() - INTERVAL '1 hour' AS recent FROM no_time");
    expect(reply.body.data).toEqual([[true]]);
  });
});
