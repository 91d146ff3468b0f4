import { decode } from '@msgpack/msgpack';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arcQueryError, arcRows, BASE_US, FakeArcServer, markedColumns, memoryRecord, readMarked } from '@memtrace/testing';
import { StoreRefusedError, StoreRejectedError, StoreUnavailableError } from '../port/store.exception';
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
      const records = [memoryRecord({ importance: 1 }), memoryRecord({ importance: 0.5, tags: ['a', 'b'] })];
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
      await open.write([memoryRecord()]);
      await store.ping();
      expect(arc.requests.map((r) => r.headers.authorization)).toEqual([undefined, undefined]);
    });

    it('refuses times Arc would not read as µs, without sending anything', async () => {
      await expect(store.write([memoryRecord({ timeUs: 1_700_000_000_000 })])).rejects.toThrow(StoreRejectedError);
      expect(arc.requests).toHaveLength(0);
    });

    it.each([
      [400, { error: 'Invalid MessagePack payload: missing required field' }, StoreRejectedError],
      [413, { error: 'Payload too large (max 1GB)' }, StoreRejectedError],
      [500, { error: "Failed to write records: failed to convert columns: cannot convert string to int64 in column 'x'" }, StoreRejectedError],
      [500, { error: 'Failed to write records: disk full' }, StoreUnavailableError],
      [503, { error: 'Write rejected (schema churn): retry' }, StoreUnavailableError],
      [401, { success: false, error: 'Invalid or expired token' }, StoreRefusedError],
      [403, { success: false, error: 'Permission denied: write required' }, StoreRefusedError],
      [404, { error: 'Cannot POST /api/v1/write/msgpack' }, StoreRefusedError],
    ])('maps HTTP %s to the right error, keeping the status and (as detail only) the message', async (status, body, type) => {
      arc.reply({ status, body });
      const failure = store.write([memoryRecord()]);
      await expect(failure).rejects.toThrow(type);
      await expect(failure).rejects.toMatchObject({
        status,
        message: `the organisation's store answered HTTP ${status} to a write; an operator can see the details in the logs`,
        detail: expect.stringContaining((body as { error: string }).error),
      });
    });

    it.each([408, 429, 500, 502, 503, 504])('keeps HTTP %s retryable without bound (unavailable, not refused)', async (status) => {
      arc.reply({ status, body: { error: 'busy' } });
      const failure = store.write([memoryRecord()]);
      await expect(failure).rejects.toThrow(StoreUnavailableError);
      await expect(failure).rejects.not.toThrow(StoreRefusedError);
    });
  });

  describe('query', () => {
    it('posts the SQL as JSON and maps rows by column name, whatever their order', async () => {
      const m = memoryRecord({ metadata: { k: 1 }, tags: ['go'], timeUs: BASE_US + 120 });
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
      await expect(impatient.count({ orgId: 'o' })).rejects.toMatchObject({
        name: 'StoreUnavailableError',
        message: "the organisation's store could not be reached for a query; an operator can see the details in the logs",
        detail: expect.stringMatching(/no reply within 100 ms/),
      });
    });

    it('reports a refused connection as unavailable', async () => {
      await arc.stop();
      await expect(store.count({ orgId: 'o' })).rejects.toThrow(StoreUnavailableError);
    });

    it('reuses connections across requests (keep-alive)', async () => {
      for (let i = 0; i < 3; i++) arc.reply({ status: 204 }, { status: 200, body: arcRows(['cnt'], [[1]]) });
      for (let i = 0; i < 3; i++) {
        await store.write([memoryRecord()]);
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
  describe('what a tenant can see of a failure', () => {
    /** Every log call, as pino would get it. */
    const logged: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const log = { warn: (fields: object, message: string) => void logged.push({ fields: fields as Record<string, unknown>, message }) };
    const token = 'tok-secret-0123456789';
    let logging: ArcMemoryStore;
    beforeEach(() => {
      logged.length = 0;
      logging = new ArcMemoryStore({ url: arc.url, database: 'org_db', measurement: 'memories', token, timeoutMs: 2_000, log });
    });

    /** The message goes to the tenant (the query service's 503 hint); it must name nothing the server said. */
    const tenantVisible = (error: unknown) => `${(error as Error).name} ${(error as Error).message}`;

    it("keeps a non-Arc server's reply text (even one echoing the token) out of the message, and logs it once, token blanked", async () => {
      const reply = `<pre>Cannot POST /api/v1/query</pre> (you sent Authorization: Bearer ${token})`;
      arc.reply({ status: 404, body: reply });
      const error = await logging.count({ orgId: 'o' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreRefusedError);
      expect(tenantVisible(error)).not.toMatch(/Cannot POST|api\/v1|Bearer/);
      expect(tenantVisible(error)).not.toContain(token);
      expect((error as StoreRefusedError).detail).toContain('Cannot POST /api/v1/query');
      expect((error as StoreRefusedError).detail).not.toContain(token);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ message: 'store request failed', fields: { op: 'query', status: 404, database: 'org_db', detail: expect.stringContaining('Cannot POST') } });
      expect(JSON.stringify(logged)).not.toContain(token);
    });

    it('does not follow a redirect (it could point anywhere, past the URL policy), and counts it as refused', async () => {
      const target = await new FakeArcServer().start();
      const redirecting = createServer((req, res) => {
        req.resume();
        res.writeHead(307, { location: `${target.url}/latest/meta-data` }).end();
      });
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
      try {
        const viaRedirect = new ArcMemoryStore({ url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`, database: 'db', measurement: 'memories', token, log });
        const error = await viaRedirect.write([memoryRecord()]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreRefusedError);
        expect(error).toMatchObject({ status: 307, detail: expect.stringContaining(`redirects to ${target.url}/latest/meta-data`) });
        expect(tenantVisible(error)).not.toContain(target.url);
        expect(target.requests).toHaveLength(0);
      } finally {
        redirecting.closeAllConnections();
        await new Promise((resolve) => redirecting.close(resolve));
        await target.stop();
      }
    });

    it('keeps error envelopes, unreadable replies and transport errors out of the message too', async () => {
      arc.reply(
        { status: 500, body: arcQueryError('Binder Error: table memories_internal_secret does not exist') },
        { status: 200, body: '<html>internal proxy 10.1.2.3</html>' },
        { status: 200, body: arcRows(['id', 'time'], [['m1', 'not a time 10.9.8.7']]) },
      );
      const failures = [
        await logging.count({ orgId: 'o' }).catch((e: unknown) => e),
        await logging.count({ orgId: 'o' }).catch((e: unknown) => e),
        await logging.query({ filter: { orgId: 'o' }, order: 'asc', limit: 1 }).catch((e: unknown) => e),
      ];
      await arc.stop();
      failures.push(await logging.count({ orgId: 'o' }).catch((e: unknown) => e));
      for (const failure of failures) {
        expect(tenantVisible(failure)).toMatch(/^Store\w+Error the organisation's store .*; an operator can see the details in the logs$/);
        expect(tenantVisible(failure)).not.toMatch(/Binder|memories_internal|10\.\d|proxy|ECONNREFUSED|127\.0\.0\.1/);
      }
      expect(logged.map((l) => l.fields.detail)).toEqual([
        expect.stringContaining('memories_internal_secret'),
        expect.stringContaining('not JSON'),
        expect.stringContaining('unreadable reply'),
        expect.stringMatching(/Arc query failed: .*(ECONNREFUSED|other side closed)/),
      ]);
    });
  });
});
