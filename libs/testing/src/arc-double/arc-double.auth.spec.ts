// Auth (reference/arc.md §1): token extraction order, 401 before 403, admin implies all.
import { startArcDouble } from './arc-double.server';
import { SpecClient } from './arc-double.spec-client';
import type { ArcDoubleHandle } from './arc-double.types';

const SECONDS = 1_787_234_602n;
const columns = { time: [SECONDS], v: [1n] };

describe('Arc double: auth', () => {
  let arc: ArcDoubleHandle;
  let client: SpecClient;

  beforeAll(async () => {
    arc = await startArcDouble({
      maxBufferAgeMs: 0,
      auth: { reader: ['read'], writer: ['read', 'write'], root: ['admin'] },
    });
    client = new SpecClient(arc.url);
  });
  afterAll(() => arc.stop());

  it('answers 401 Authentication required without a token', async () => {
    const reply = await client.writeColumns('secured', columns);
    expect(reply.status).toBe(401);
    expect(reply.text).toBe('{"error":"Authentication required","success":false}');
  });

  it('answers 401 for an unknown token, and treats "Basic x" as a token', async () => {
    for (const authorization of ['Bearer nope', 'Basic cmVhZGVy']) {
      const reply = await client.query('SELECT 1', { Authorization: authorization });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: 'Invalid or expired token', success: false });
    }
  });

  it('answers 403 Permission denied: write required for a read-only token writing', async () => {
    const reply = await client.writeColumns('secured', columns, { Authorization: 'Bearer reader' });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ error: 'Permission denied: write required', success: false });
  });

  it('accepts Bearer, Token, a bare Authorization value, x-api-key and ?p=', async () => {
    expect((await client.writeColumns('secured', columns, { Authorization: 'Bearer writer' })).status).toBe(204);
    expect((await client.query('SELECT 1', { Authorization: 'Token reader' })).status).toBe(200);
    expect((await client.query('SELECT 1', { Authorization: 'reader' })).status).toBe(200);
    expect((await client.query('SELECT 1', { 'x-api-key': 'reader' })).status).toBe(200);
    const legacy = await client.send('POST', '/api/v1/query?p=reader', JSON.stringify({ sql: 'SELECT 1' }), {
      'Content-Type': 'application/json',
    });
    expect(legacy.status).toBe(200);
  });

  it('prefers the Authorization header over x-api-key', async () => {
    const reply = await client.query('SELECT 1', { Authorization: 'Bearer nope', 'x-api-key': 'reader' });
    expect(reply.status).toBe(401);
  });

  it('requires admin (not delete) for deletes and the flush endpoint; admin implies everything', async () => {
    const writerDelete = await client.delete(
      { database: 'default', measurement: 'secured', where: 'v = 1', confirm: true },
      { Authorization: 'Bearer writer' },
    );
    expect(writerDelete.body).toEqual({ error: 'Permission denied: admin required', success: false });
    expect((await client.flush({ Authorization: 'Bearer writer' })).status).toBe(403);
    expect((await client.flush({ Authorization: 'Bearer root' })).status).toBe(200);
    expect((await client.writeColumns('secured', columns, { Authorization: 'Bearer root' })).status).toBe(204);
  });

  it('keeps /health and /ready public', async () => {
    const health = await client.send<{ status: string; uptime_sec: number }>('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect((await client.send('GET', '/ready')).status).toBe(200);
  });

  it('answers unknown routes with 401 before the token check, then Fiber 404', async () => {
    expect((await client.send('GET', '/api/v1/nope')).status).toBe(401);
    const known = await client.send('GET', '/api/v1/nope', undefined, { 'x-api-key': 'reader' });
    expect(known.status).toBe(404);
    expect(known.body).toEqual({ error: 'Cannot GET /api/v1/nope' });
  });

  it('verifies a token through /api/v1/auth/verify', async () => {
    const valid = await client.send<{ valid: boolean; permissions: string[] }>('GET', '/api/v1/auth/verify', undefined, {
      'x-api-key': 'writer',
    });
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ valid: true, permissions: ['read', 'write'] });
    const missing = await client.send('GET', '/api/v1/auth/verify');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ valid: false, error: 'No token provided' });
  });
});

describe('Arc double: auth off', () => {
  it('leaves every route open', async () => {
    const arc = await startArcDouble({ maxBufferAgeMs: 0 });
    try {
      const client = new SpecClient(arc.url);
      expect((await client.writeColumns('open', columns)).status).toBe(204);
      expect((await client.flush()).status).toBe(200);
      expect((await client.send('GET', '/nope')).body).toEqual({ error: 'Cannot GET /nope' });
    } finally {
      await arc.stop();
    }
  });
});
