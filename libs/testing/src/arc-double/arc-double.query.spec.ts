// Query API behaviour: database resolution, Arc's validation, the envelope and value encoding.
import { startArcDouble } from './arc-double.server';
import { SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';

const SECONDS = 1_787_234_602n; // 2026-08-20T14:03:22Z, a Thursday

describe('Arc double: which database a query reads', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
    await client.writeColumns('events', { time: [SECONDS], origin: ['default'] });
    await client.writeColumns('events', { time: [SECONDS], origin: ['tenant'] }, { 'x-arc-database': 'tenant' });
  });
  afterAll(() => arc.stop());

  it('reads `default` for a bare name without the header', async () => {
    expect((await client.query('SELECT origin FROM events')).body.data).toEqual([['default']]);
  });

  it('reads the header database for a bare name', async () => {
    const reply = await client.query('SELECT origin FROM events', { 'x-arc-database': 'tenant' });
    expect(reply.body.data).toEqual([['tenant']]);
  });

  it('accepts db.measurement without the header', async () => {
    expect((await client.query('SELECT origin FROM tenant.events')).body.data).toEqual([['tenant']]);
  });

  it('rejects db.measurement when the header is set', async () => {
    const reply = await client.query('SELECT origin FROM tenant.events', { 'x-arc-database': 'tenant' });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      success: false,
      columns: null,
      data: null,
      row_count: 0,
      error: 'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set',
    });
  });

  it('rejects an invalid header value', async () => {
    const reply = await client.query('SELECT 1', { 'x-arc-database': 'bad/name' });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe(
      'invalid x-arc-database header: name contains invalid characters (allowed: alphanumeric, underscore, hyphen)',
    );
  });

  it('keeps measurement names case-sensitive', async () => {
    await client.writeColumns('Cpu', { time: [SECONDS], v: [1n] });
    await client.writeColumns('cpu', { time: [SECONDS], v: [2n] });
    expect((await client.query('SELECT v FROM Cpu')).body.data).toEqual([[1]]);
    expect((await client.query('SELECT v FROM cpu')).body.data).toEqual([[2]]);
  });

  it('leaves CTE names, function calls and FROM inside EXTRACT alone, and keeps join types', async () => {
    const cte = await client.query('WITH recent AS (SELECT origin FROM events) SELECT origin FROM recent');
    expect(cte.body.data).toEqual([['default']]);
    const call = await client.query('SELECT COUNT(*)::INT AS n FROM range(3)');
    expect(call.body.data).toEqual([[3]]);
    const extract = await client.query('SELECT EXTRACT(epoch FROM time)::BIGINT AS s FROM events');
    expect(extract.body.data).toEqual([[Number(SECONDS)]]);
    const join = await client.query(
      'SELECT e.origin, t.origin AS other FROM events e LEFT JOIN tenant.events t ON e.origin = t.origin',
    );
    expect(join.body.data).toEqual([['default', null]]);
  });

  it('answers SHOW DATABASES and SHOW TABLES from the flushed data', async () => {
    const databases = await client.query('SHOW DATABASES');
    expect(databases.body).toMatchObject({ columns: ['database'] });
    expect(databases.body.data).toEqual(expect.arrayContaining([['default'], ['tenant']]));
    const tables = await client.query('SHOW TABLES', { 'x-arc-database': 'tenant' });
    expect(tables.body.columns).toEqual(['database', 'table_name', 'storage_path', 'file_count', 'total_size_mb']);
    expect(tables.body.data?.map((row) => row.slice(0, 2))).toEqual([['tenant', 'events']]);
  });

  it('returns a successful empty reply when any referenced measurement has no files', async () => {
    const reply = await client.query('SELECT e.origin FROM events e JOIN missing m ON e.origin = m.origin');
    expect(reply.body).toMatchObject({ success: true, columns: [], data: [], row_count: 0 });
  });
});

describe('Arc double: query validation', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  it.each([
    ['SET', 'SET threads = 1', 'Dangerous SQL operation not allowed'],
    ['COPY', "COPY (SELECT 1) TO '/tmp/x.csv'", 'Dangerous SQL operation not allowed'],
    ['an alias named load', 'SELECT 1 AS load', 'Dangerous SQL operation not allowed'],
    ['DROP TABLE', 'DROP TABLE x', 'Dangerous SQL operation not allowed'],
    ['two statements', 'SELECT 1; SELECT 2', 'Multiple SQL statements are not allowed'],
    ['read_parquet', "SELECT * FROM read_parquet('/x.parquet')", 'File I/O function not allowed in user SQL: read_parquet()'],
    ['a quoted read_csv', 'SELECT * FROM "read_csv"(1)', 'File I/O function not allowed in user SQL: read_csv()'],
    [
      'a path in table position',
      "SELECT * FROM '/data/*.parquet'",
      'String literal not allowed in table position (replacement scans are disabled); reference a table by name',
    ],
    ['blank SQL', '   ', 'SQL query is required'],
    ['SQL over 10,000 characters', `SELECT ${'1'.repeat(10_001)}`, 'SQL query exceeds maximum length (10000 characters)'],
  ])('rejects %s', async (_label, sql, error) => {
    const reply = await client.query(sql);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ success: false, columns: null, data: null, error });
  });

  it('ignores denylisted words inside string literals and comments, and allows one trailing semicolon', async () => {
    const reply = await client.query("SELECT 'DROP TABLE x; SET y' AS s -- LOAD\n;");
    expect(reply.status).toBe(200);
    expect(reply.body.data).toEqual([['DROP TABLE x; SET y']]);
  });

  it('answers engine errors with 500 and DuckDB message', async () => {
    const reply = await client.query('SELEC 1');
    expect(reply.status).toBe(500);
    expect(reply.body.success).toBe(false);
    expect(reply.body.error).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
  });

  it('rejects a body that is not JSON', async () => {
    const reply = await client.send('POST', '/api/v1/query', 'sql=1', { 'Content-Type': 'text/plain' });
    expect(reply.status).toBe(400);
    expect((reply.body as { error: string }).error).toBe('Invalid request body: Unprocessable Entity');
  });
});

describe('Arc double: reply encoding', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  it('writes the envelope keys in Arc order', async () => {
    const reply = await client.query('SELECT 1::INT AS one');
    expect(reply.text).toMatch(
      /^\{"success":true,"columns":\["one"\],"data":\[\[1\]\],"row_count":1,"execution_time_ms":\d+,"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\}$/,
    );
  });

  it('encodes values by type', async () => {
    const reply = await client.query(
      "SELECT 1.5 AS dec, 9007199254740993::BIGINT AS big, 'nan'::DOUBLE AS nan, 1e21::DOUBLE AS huge, " +
        "0.1::FLOAT AS f32, DATE '2026-08-20' AS d, TIMESTAMPTZ '2026-08-20 14:03:22.120Z' AS ts, " +
        '170141183460469231731687303715884105727::HUGEINT AS h, true AS b, NULL AS n',
    );
    expect(reply.text).toContain(
      '"data":[["1.5",9007199254740993,null,1000000000000000000000,0.1,"2026-08-20T00:00:00Z",' +
        '"2026-08-20T14:03:22.12Z","170141183460469231731687303715884105727",true,null]]',
    );
  });

  it('returns SUM over a BIGINT column as a decimal string', async () => {
    await client.writeColumns('sums', { time: [SECONDS, SECONDS], v: [1n, 2n] });
    expect((await client.query('SELECT SUM(v) AS s FROM sums')).body.data).toEqual([['3']]);
  });

  it('rewrites time_bucket to epoch arithmetic: week buckets start on Thursday', async () => {
    // Saturday 2026-08-22 14:03Z; stock DuckDB would bucket it to Monday 2026-08-17.
    await client.writeColumns('buckets', { time: [SECONDS + 2n * 86_400n] });
    const reply = await client.query("SELECT time_bucket(INTERVAL '1 week', time) AS b FROM buckets");
    expect(reply.body.data).toEqual([['2026-08-20T00:00:00Z']]);
  });
});
