// Delete API (reference/arc.md §4.1): confirmation rules, reply shape, flushed-only semantics.
import { startArcDouble } from './arc-double.server';
import { SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';

const SECONDS = 1_787_234_602n;

describe('Arc double: delete', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeEach(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 600_000 });
    client = new SpecClient(arc.url);
  });
  afterEach(() => arc.stop());

  const seed = async (measurement: string, ids: bigint[]) => {
    await client.writeColumns(measurement, { time: ids.map((id) => SECONDS + id), id: ids });
    await arc.flush();
  };
  const ids = async (measurement: string) =>
    (await client.query(`SELECT id FROM ${measurement} ORDER BY id`)).body.data?.map(([id]) => id);

  it('refuses a delete without confirm, and keeps the rows', async () => {
    await seed('items', [1n, 2n]);
    const reply = await client.delete({ database: 'default', measurement: 'items', where: 'id = 1' });
    expect(reply.status).toBe(400);
    expect(reply.text).toBe(
      '{"success":false,"deleted_count":0,"affected_files":0,"rewritten_files":0,"execution_time_ms":0,' +
        '"dry_run":false,"files_processed":null,' +
        '"error":"Confirmation required for delete operation. Set confirm=true or use dry_run=true to preview."}',
    );
    expect(await ids('items')).toEqual([1, 2]);
  });

  it('refuses a full-table predicate without confirm, even as a dry run', async () => {
    await seed('items', [1n]);
    const reply = await client.delete({ database: 'default', measurement: 'items', where: '1=1', dry_run: true });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('Full table delete detected (WHERE 1=1). Set confirm=true to proceed.');
  });

  it('reports matches on a dry run without deleting', async () => {
    await seed('items', [1n, 2n, 3n]);
    const reply = await client.delete({ database: 'default', measurement: 'items', where: 'id >= 2', dry_run: true });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ success: true, deleted_count: 2, affected_files: 1, dry_run: true });
    expect(await ids('items')).toEqual([1, 2, 3]);
  });

  it('deletes matching flushed rows and reports the rewritten file', async () => {
    await seed('items', [1n, 2n, 3n]);
    const reply = await client.delete({ database: 'default', measurement: 'items', where: 'id = 2', confirm: true });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      success: true,
      deleted_count: 1,
      affected_files: 1,
      rewritten_files: 1,
      dry_run: false,
    });
    expect(reply.body.files_processed).toEqual([expect.stringMatching(/^items_.*\.parquet$/)]);
    expect(await ids('items')).toEqual([1, 3]);
  });

  it('removes only flushed rows; rows still buffered appear after their flush', async () => {
    await seed('items', [1n]);
    await client.writeColumns('items', { time: [SECONDS + 2n], id: [2n] });
    const reply = await client.delete({ database: 'default', measurement: 'items', where: '1=1', confirm: true });
    expect(reply.body).toMatchObject({ success: true, deleted_count: 1 });
    expect(await ids('items')).toEqual([]);
    await arc.flush();
    expect(await ids('items')).toEqual([2]);
  });

  it('answers zeros when nothing matches, including a clause prefixed with WHERE', async () => {
    await seed('items', [1n]);
    for (const where of ['id = 99', 'WHERE id = 1']) {
      const reply = await client.delete({ database: 'default', measurement: 'items', where, confirm: true });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ success: true, deleted_count: 0, affected_files: 0, files_processed: [] });
    }
    expect(await ids('items')).toEqual([1]);
  });

  it.each([
    ['', "WHERE clause is required. To delete all data, use WHERE clause '1=1' with confirm=true"],
    ['id = 1; DROP TABLE x', 'WHERE clause contains forbidden pattern: ;'],
    ['id IN (SELECT 1)', 'WHERE clause contains forbidden keyword: SELECT'],
    ["name = 'x", 'WHERE clause has unmatched quotes'],
  ])('rejects where %j', async (where, error) => {
    const reply = await client.delete({ database: 'default', measurement: 'items', where, confirm: true });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe(error);
  });

  it('describes its limits on GET /api/v1/delete/config', async () => {
    const reply = await client.send('GET', '/api/v1/delete/config');
    expect(reply.body).toMatchObject({
      enabled: true,
      confirmation_threshold: 10_000,
      max_rows_per_delete: 1_000_000,
      implementation: 'rewrite-based',
    });
  });

  it('answers 403 when deletes are disabled', async () => {
    const disabled = await startArcDouble({ deleteEnabled: false });
    try {
      const reply = await new SpecClient(disabled.url).delete({ database: 'default', measurement: 'm', where: 'x=1' });
      expect(reply.status).toBe(403);
      expect(reply.body.error).toBe('Delete operations are disabled. Set delete.enabled=true in arc.toml to enable.');
    } finally {
      await disabled.stop();
    }
  });
});
