// Fault switches and the control port, exercised over HTTP as a spawned double would be.
import { startArcDouble } from './arc-double.server';
import { SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';
import { ControlClient } from './http/control.client';

const SECONDS = 1_787_234_602n;

describe('Arc double: fault switches', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;
  let control: ControlClient;

  beforeEach(async () => {
    arc = await startArcDouble({ maxBufferAgeMs: 0 });
    client = new SpecClient(arc.url);
    control = new ControlClient(arc.controlUrl);
  });
  afterEach(() => arc.stop());

  const write = (n: bigint) => client.writeColumns('faulty', { time: [SECONDS + n], n: [n] });

  it('fails exactly the writes the ratio selects, stores nothing for them, and counts them', async () => {
    await control.setFaults({ failWritesRatio: 0.5 });
    const statuses = [];
    for (let n = 1n; n <= 4n; n++) statuses.push((await write(n)).status);
    expect(statuses).toEqual([204, 500, 204, 500]);
    const rows = await client.query('SELECT n FROM faulty ORDER BY n');
    expect(rows.body.data).toEqual([[1], [3]]);
    const stats = await control.stats();
    expect(stats.writes).toEqual({ total: 4, succeeded: 2, rejected: 0, failed: 2, injected: 2 });
    expect(stats.responses500).toBe(2);
    expect(stats.rows).toEqual({ default: { faulty: { flushed: 2, buffered: 0 } } });
  });

  it('fails every query with ratio 1 and recovers when it is cleared', async () => {
    await control.setFaults({ failQueriesRatio: 1 });
    const failed = await client.query('SELECT 1 AS one');
    expect(failed.status).toBe(500);
    expect(failed.body.success).toBe(false);
    await control.setFaults({ failQueriesRatio: 0 });
    expect((await client.query('SELECT 1 AS one')).status).toBe(200);
  });

  it('refuses connections while down and serves the same port, with its data, once up', async () => {
    await write(1n);
    expect(await control.setFaults({ down: true })).toMatchObject({ down: true });
    await expect(fetch(`${arc.url}/health`)).rejects.toThrow();
    expect((await control.stats()).rows.default.faulty.flushed).toBe(1);
    await control.setFaults({ down: false });
    expect((await fetch(`${arc.url}/health`)).status).toBe(200);
    expect((await client.query('SELECT n FROM faulty')).body.data).toEqual([[1]]);
  });

  it('holds every response for slowMs', async () => {
    await control.setFaults({ slowMs: 60_000 });
    // The client gives up long before the double answers; no timing is measured.
    const slow = fetch(`${arc.url}/health`, { signal: AbortSignal.timeout(200) });
    await expect(slow).rejects.toThrow();
    await control.setFaults({ slowMs: 0 });
    expect((await fetch(`${arc.url}/health`)).status).toBe(200);
  });

  it('rejects unknown or invalid switches with 400', async () => {
    await expect(control.setFaults({ failWritesRatio: 2 })).rejects.toThrow(/400/);
    const unknown = await fetch(`${arc.controlUrl}/faults`, { method: 'POST', body: '{"explode":true}' });
    expect(unknown.status).toBe(400);
  });

  it('resets data, counters and faults', async () => {
    await write(1n);
    await control.setFaults({ failWritesRatio: 1, slowMs: 5 });
    await control.reset();
    expect(await control.faults()).toEqual({ down: false, slowMs: 0, failWritesRatio: 0, failQueriesRatio: 0 });
    const stats = await control.stats();
    expect(stats.writes.total).toBe(0);
    expect(stats.rows).toEqual({});
    expect((await client.query('SELECT n FROM faulty')).body.columns).toEqual([]);
  });

  it('reports buffered and flushed rows separately', async () => {
    const slowArc = await startArcDouble({ maxBufferAgeMs: 600_000 });
    try {
      const slowClient = new SpecClient(slowArc.url);
      await slowClient.writeColumns('pending', { time: [SECONDS, SECONDS], n: [1n, 2n] }, { 'x-arc-database': 'tenant' });
      expect((await slowArc.stats()).rows).toEqual({ tenant: { pending: { flushed: 0, buffered: 2 } } });
      await new ControlClient(slowArc.controlUrl).flush();
      expect((await slowArc.stats()).rows).toEqual({ tenant: { pending: { flushed: 2, buffered: 0 } } });
    } finally {
      await slowArc.stop();
    }
  });
});
