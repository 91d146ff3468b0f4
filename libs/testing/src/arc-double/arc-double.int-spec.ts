// The double as integration tests use it: a separate process built into dist/, spawned on
// loopback. Build first: npx swc apps libs generated -d dist
import { spawnArcDouble, ArcDoubleProcess } from './arc-double.process';
import { SpecClient } from './arc-double.spec-client';

const SECONDS = 1_787_234_602n;

describe('Arc double as a child process', () => {
  let arc: ArcDoubleProcess;
  let admin: SpecClient;

  beforeAll(async () => {
    arc = await spawnArcDouble({ maxBufferAgeMs: 600_000, auth: { 'admin-token': ['admin'], ro: ['read'] } });
    admin = new SpecClient(arc.url, { Authorization: 'Bearer admin-token' });
  });
  afterAll(() => arc.stop());

  it('reports real ports on loopback', () => {
    expect(arc.url).toBe(`http://127.0.0.1:${arc.port}`);
    expect(arc.port).toBeGreaterThan(0);
    expect(arc.controlPort).not.toBe(arc.port);
  });

  it('serves writes and queries, with rows invisible until a flush', async () => {
    expect((await admin.writeColumns('spawned', { time: [SECONDS], v: [1.25] })).status).toBe(204);
    expect((await admin.query('SELECT v FROM spawned')).body.data).toEqual([]);
    expect((await arc.stats()).rows).toEqual({ default: { spawned: { flushed: 0, buffered: 1 } } });
    await arc.flush();
    expect((await admin.query('SELECT v, time FROM spawned')).body.data).toEqual([[1.25, '2026-08-20T14:03:22Z']]);
  });

  it('applies the token table it was given', async () => {
    const reader = new SpecClient(arc.url, { 'x-api-key': 'ro' });
    const reply = await reader.writeColumns('spawned', { time: [SECONDS], v: [2.5] });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ error: 'Permission denied: write required', success: false });
    expect((await new SpecClient(arc.url).query('SELECT 1')).status).toBe(401);
  });

  it('goes down and comes back through the control port', async () => {
    await arc.setFaults({ down: true });
    await expect(fetch(`${arc.url}/health`)).rejects.toThrow();
    await arc.setFaults({ down: false });
    expect((await fetch(`${arc.url}/health`)).status).toBe(200);
  });

  it('injects write failures and counts them', async () => {
    await arc.setFaults({ failWritesRatio: 1 });
    expect((await admin.writeColumns('spawned', { time: [SECONDS], v: [3.5] })).status).toBe(500);
    await arc.setFaults({ failWritesRatio: 0 });
    const stats = await arc.stats();
    expect(stats.writes.injected).toBe(1);
    expect(stats.responses500).toBe(1);
  });

  it('exits when stopped', async () => {
    const short = await spawnArcDouble();
    await short.stop();
    expect(() => process.kill(short.pid, 0)).toThrow();
    await expect(fetch(`${short.url}/health`)).rejects.toThrow();
  });
});
