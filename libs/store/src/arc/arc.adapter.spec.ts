import { decode } from '@msgpack/msgpack';
import { StoreRejectedError, StoreUnavailableError } from '../port/store.exception';
import { arcQueryError, arcRows, FakeArcServer } from '../testing/fake-arc.server';
import { aMemory, BASE_US } from '../testing/memory-record.fixture';
import { markedColumns, readMarked } from '../testing/msgpack-markers';
import { ArcMemoryStore } from './arc.adapter';

describe('ArcMemoryStore (against a recording HTTP server)', () => {
  let arc: FakeArcServer;
  let store: ArcMemoryStore;
  beforeEach(async () => {
    arc = await new FakeArcServer().start();
    store = new ArcMemoryStore({ url: `${arc.url}/`, database: 'org_db', measurement: 'memories', token: 'tok-123', timeoutMs: 2_000 });
  });
  afterEach(() => arc.stop());

  describe('write', () => {
    it('posts typed columnar msgpack with the database header and bearer token', async () => {
      arc.reply({ status: 204 });
      const records = [aMemory({ importance: 1 }), aMemory({ importance: 0.5, tags: ['a', 'b'] })];
      await store.write(records);

      const [req] = arc.requests;
      expect([req.method, req.path]).toEqual(['POST', '/api/v1/write/msgpack']);
      expect(req.headers['content-type']).toBe('application/msgpack');
      expect(req.headers['x-arc-database']).toBe('org_db');
      expect(req.headers.authorization).toBe('Bearer tok-123');
      const body = decode(req.body, { useBigInt64: true }) as { m: string; columns: Record<string, unknown[]> };
      expect(body.m).toBe('memories');
      expect(body.columns.id).toEqual(records.map((r) => r.id));
      expect(body.columns.tags_csv).toEqual(['', 'a,b']);
      const markers = markedColumns(readMarked(req.body));
      expect(markers.get('importance')!.map((v) => v.marker)).toEqual([0xcb, 0xcb]);
      expect(markers.get('time')!.map((v) => v.marker)).toEqual([0xd3, 0xd3]);
    });

    it('sends no Authorization header without a token', async () => {
      const open = new ArcMemoryStore({ url: arc.url, database: 'org_db', measurement: 'memories' });
      arc.reply({ status: 204 }, { status: 200, body: { status: 'ok' } });
      await open.write([aMemory()]);
      await store.ping();
      expect(arc.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    });

    it('refuses times Arc would not read as µs, without sending anything', async () => {
      await expect(store.write([aMemory({ timeUs: 1_700_000_000_000 })])).rejects.toThrow(StoreRejectedError);
      expect(arc.requests).toHaveLength(0);
    });

    it.each([
      [400, { error: 'Invalid MessagePack payload: missing required field' }, StoreRejectedError],
      [413, { error: 'Payload too large (max 1GB)' }, StoreRejectedError],
      [500, { error: "Failed to write records: failed to convert columns: cannot convert string to int64 in column 'x'" }, StoreRejectedError],
      [500, { error: 'Failed to write records: disk full' }, StoreUnavailableError],
      [503, { error: 'Write rejected (schema churn): retry' }, StoreUnavailableError],
      [401, { success: false, error: 'Invalid or expired token' }, StoreUnavailableError],
      [403, { success: false, error: 'Permission denied: write required' }, StoreUnavailableError],
    ])('maps HTTP %s to the right error, keeping the message and status', async (status, body, type) => {
      arc.reply({ status, body });
      const failure = store.write([aMemory()]);
      await expect(failure).rejects.toThrow(type);
      await expect(failure).rejects.toMatchObject({ status, message: expect.stringContaining((body as { error: string }).error) });
    });
  });

  describe('query', () => {
    it('posts the SQL as JSON and maps rows by column name, whatever their order', async () => {
      const m = aMemory({ metadata: { k: 1 }, tags: ['go'], timeUs: BASE_US + 120 });
      const columns = ['importance', 'content', 'time', 'parent_id', 'id', 'tags_csv', 'org_id', 'metadata_json', 'agent_id', 'session_id', 'memory_type', 'event_type', 'dedup_key'];
      const values: Record<string, unknown> = {
        importance: m.importance, content: m.content, time: '2026-08-20T12:00:00.00012Z', parent_id: m.parentId, id: m.id, tags_csv: 'go',
        org_id: m.orgId, metadata_json: '{"k":1}', agent_id: m.agentId, session_id: m.sessionId, memory_type: m.memoryType,
        event_type: m.eventType, dedup_key: m.dedupKey,
      };
      arc.reply({ status: 200, body: arcRows(columns, [columns.map((c) => values[c])]) });

      expect(await store.query({ filter: { orgId: 'org_a', agentId: 'agent_1' }, order: 'desc', limit: 5 })).toEqual([m]);
      const [req] = arc.requests;
      expect([req.method, req.path, req.headers['content-type'], req.headers['x-arc-database']]).toEqual(['POST', '/api/v1/query', 'application/json', 'org_db']);
      expect(req.headers.authorization).toBe('Bearer tok-123');
      const { sql } = JSON.parse(req.body.toString()) as { sql: string };
      expect(sql).toMatch(/^SELECT time, id, .* FROM memories WHERE org_id = 'org_a' AND agent_id = 'agent_1' ORDER BY time DESC, id DESC LIMIT 5 OFFSET 0$/);
    });

    it("treats Arc's empty reply for a measurement without files as zero rows", async () => {
      const empty = arcRows([], []);
      arc.reply({ status: 200, body: empty }, { status: 200, body: empty }, { status: 200, body: empty });
      expect(await store.query({ filter: { orgId: 'o' }, order: 'asc', limit: 5 })).toEqual([]);
      expect(await store.count({ orgId: 'o' })).toBe(0);
      expect(await store.countByType({ orgId: 'o' })).toEqual({});
    });

    it('reads aggregates by their alias', async () => {
      arc.reply({ status: 200, body: arcRows(['cnt'], [[42]]) }, { status: 200, body: arcRows(['cnt', 'memory_type'], [[2, 'decision'], [5, 'episodic']]) });
      expect(await store.count({ orgId: 'o' })).toBe(42);
      expect(await store.countByType({ orgId: 'o' })).toEqual({ decision: 2, episodic: 5 });
      expect(JSON.parse(arc.requests[1].body.toString()).sql).toContain('GROUP BY memory_type');
    });

    it.each([
      [400, 'Dangerous SQL operation not allowed', StoreRejectedError],
      [500, 'Binder Error: Referenced column "x" not found in FROM clause!', StoreRejectedError],
      [500, 'IO Error: Could not read file', StoreUnavailableError],
      [504, 'Query timed out', StoreUnavailableError],
      [429, 'rate limited', StoreUnavailableError],
    ])('maps an error envelope with HTTP %s (%s)', async (status, error, type) => {
      arc.reply({ status, body: arcQueryError(error) });
      await expect(store.count({ orgId: 'o' })).rejects.toThrow(type);
    });

    it('reports an unreadable reply as unavailable', async () => {
      arc.reply({ status: 200, body: '<html>proxy error</html>' }, { status: 200, body: { columns: ['cnt'], data: [[1, 2]] } });
      await expect(store.count({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
      await expect(store.count({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
    });

    it('confirms visible ids with one time-bounded query and keeps only the ids it asked for', async () => {
      arc.reply({ status: 200, body: arcRows(['id'], [['a'], ['c'], ['other']]) });
      expect(await store.findVisibleIds('org_a', ['a', 'b', 'c'], BASE_US, BASE_US + 10)).toEqual(new Set(['a', 'c']));
      const { sql } = JSON.parse(arc.requests[0].body.toString()) as { sql: string };
      expect(sql).toContain(`time >= '2026-08-20T12:00:00Z'::TIMESTAMPTZ AND time <= '2026-08-20T12:00:00.00001Z'::TIMESTAMPTZ`);
      expect(sql).toContain(`id IN ('a', 'b', 'c')`);
    });
  });

  describe('delete, ping and transport', () => {
    it("posts the predicate without WHERE to Arc's delete endpoint, confirmed", async () => {
      arc.reply({ status: 200, body: { success: true, deleted_count: 3, affected_files: 1, rewritten_files: 1, execution_time_ms: 2, dry_run: false, files_processed: ['f.parquet'] } });
      expect(await store.delete({ orgId: 'org_a', agentId: 'agent_1' })).toBe(3);
      const [req] = arc.requests;
      expect([req.method, req.path]).toEqual(['POST', '/api/v1/delete']);
      expect(JSON.parse(req.body.toString())).toEqual({
        database: 'org_db',
        measurement: 'memories',
        where: "org_id = 'org_a' AND agent_id = 'agent_1'",
        dry_run: false,
        confirm: true,
      });
    });

    it('treats a partial delete (207) as retryable and a disabled delete (403) as unavailable', async () => {
      arc.reply({ status: 207, body: { success: true, deleted_count: 1, failed_files: ['x'] } }, { status: 403, body: { success: false, error: 'Delete operations are disabled.' } });
      await expect(store.delete({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
      await expect(store.delete({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
    });

    it('pings /health without credentials', async () => {
      arc.reply({ status: 200, body: { status: 'ok' } }, { status: 503, body: { status: 'not_ready' } });
      await store.ping();
      expect([arc.requests[0].method, arc.requests[0].path, arc.requests[0].headers.authorization]).toEqual(['GET', '/health', undefined]);
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    });

    it('gives up on a request that gets no reply within the timeout', async () => {
      const impatient = new ArcMemoryStore({ url: arc.url, database: 'org_db', measurement: 'memories', timeoutMs: 100 });
      arc.reply({ hang: true, status: 0 });
      await expect(impatient.count({ orgId: 'o' })).rejects.toThrow(/no reply within 100 ms/);
    });

    it('reports a refused connection as unavailable', async () => {
      await arc.stop();
      await expect(store.count({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
    });

    it('reuses connections across requests (keep-alive)', async () => {
      for (let i = 0; i < 3; i++) arc.reply({ status: 204 }, { status: 200, body: arcRows(['cnt'], [[1]]) });
      for (let i = 0; i < 3; i++) {
        await store.write([aMemory()]);
        await store.count({ orgId: 'org_a' });
      }
      // undici may open a second socket while the first is being released, never one per request.
      expect(arc.requests).toHaveLength(6);
      expect(new Set(arc.requests.map((r) => r.socket)).size).toBeLessThanOrEqual(2);
    });

    it('refuses a bad database name or URL at construction', () => {
      expect(() => new ArcMemoryStore({ url: arc.url, database: 'bad name', measurement: 'memories' })).toThrow(StoreRejectedError);
      expect(() => new ArcMemoryStore({ url: 'arc:8000', database: 'db', measurement: 'memories' })).toThrow(StoreRejectedError);
      expect(() => new ArcMemoryStore({ url: arc.url, database: 'db', measurement: 'mem-ories' })).toThrow(StoreRejectedError);
    });
  });
});
