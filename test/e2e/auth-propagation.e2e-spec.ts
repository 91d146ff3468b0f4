import { AppProcess, createStack, Stack } from '@memtrace/testing';

jest.setTimeout(60_000);

/**
 * Revocation and org deletion must reach every running process within one second. The cache TTL
 * is set to ten minutes here, so only the Redis invalidation can explain a key stopping to work.
 */
describe('API-key auth across two gateway processes', () => {
  let stack: Stack;
  let gateways: AppProcess[];

  const verify = (gateway: AppProcess, headers: Record<string, string>) =>
    fetch(`${gateway.url()}/api/v1/auth/verify`, { headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  const cliJson = (args: string[]) => stack.cli(args);

  /** Polls until every gateway rejects the key; returns how long that took after `since`. */
  async function msUntilRejectedEverywhere(key: string, since: number, deadlineMs: number): Promise<number> {
    const pending = new Set(gateways);
    while (pending.size > 0) {
      for (const gateway of [...pending]) {
        if ((await verify(gateway, { 'x-api-key': key })).status === 401) pending.delete(gateway);
      }
      if (Date.now() - since > deadlineMs) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return pending.size === 0 ? Date.now() - since : Infinity;
  }

  beforeAll(async () => {
    stack = await createStack({ arc: false, env: { MEMTRACE_AUTH_CACHE_TTL_MS: '600000' } });
    gateways = await Promise.all([stack.spawn('gateway'), stack.spawn('gateway')]);
  });

  afterAll(() => stack?.close());

  it('prints the bootstrap key once, from exactly one of the two processes', () => {
    const banners = gateways.map((g) => (g.stdout().match(/mtk_[A-Za-z0-9_-]{43}=/g) ?? []).length);
    expect(banners.sort()).toEqual([0, 1]);
    for (const g of gateways) expect(g.stderr()).not.toMatch(/mtk_[A-Za-z0-9_-]{43}=/);
  });

  it('answers 401/403 with the upstream bodies', async () => {
    const [gateway] = gateways;
    expect(await verify(gateway, {})).toEqual({ status: 401, body: { error: 'missing API key', code: 'unauthenticated' } });
    expect(await verify(gateway, { 'x-api-key': 'mtk_nope' })).toEqual({ status: 401, body: { error: 'invalid API key', code: 'unauthenticated' } });
    const org = cliJson(['org', 'create', 'scoped']);
    const writer = cliJson(['key', 'create', '--org', org.id, '--name', 'writer', '--permissions', 'write']);
    const denied = await verify(gateway, { authorization: `Bearer ${writer.key}` });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe("API key lacks the 'read' scope");
    const reader = cliJson(['key', 'create', '--org', org.id, '--name', 'reader', '--permissions', 'read']);
    expect(await verify(gateway, { authorization: `Bearer ${reader.key}` })).toMatchObject({
      status: 200,
      body: { org_id: org.id, scopes: ['read'] },
    });
  });

  it('a revoked key stops working on every process within a second', async () => {
    const org = cliJson(['org', 'create', 'revocation-co']);
    const created = cliJson(['key', 'create', '--org', org.id, '--name', 'soon-revoked', '--permissions', 'read']);
    for (const gateway of gateways) expect((await verify(gateway, { 'x-api-key': created.key })).status).toBe(200);

    cliJson(['key', 'revoke', String(created.id)]);
    const revokedAt = Date.now();

    expect(await msUntilRejectedEverywhere(created.key, revokedAt, 1000)).toBeLessThanOrEqual(1000);
  });

  it("deleting an org stops its keys on every process within a second", async () => {
    const org = cliJson(['org', 'create', 'doomed-co']);
    const created = cliJson(['key', 'create', '--org', org.id, '--name', 'k', '--permissions', 'read,write']);
    for (const gateway of gateways) expect((await verify(gateway, { 'x-api-key': created.key })).status).toBe(200);

    cliJson(['org', 'delete', org.id]);
    const deletedAt = Date.now();

    expect(await msUntilRejectedEverywhere(created.key, deletedAt, 1000)).toBeLessThanOrEqual(1000);
  });

  it('a store binding added with the CLI takes effect on every running process without a restart', async () => {
    const org = cliJson(['org', 'create', 'late-binding-co']);
    const { key } = cliJson(['key', 'create', '--org', org.id, '--name', 'w', '--permissions', 'write']);
    const write = (gateway: AppProcess, content: string) =>
      fetch(`${gateway.url()}/api/v1/memories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ agent_id: 'agent_1', content }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    for (const gateway of gateways) {
      expect(await write(gateway, 'before binding')).toEqual({
        status: 503,
        body: { error: 'no arc instance configured for this org', hint: `ask an admin to run \`memtrace org add-arc ${org.id}\``, code: 'no_store_binding' },
      });
    }
    cliJson(['org', 'add-arc', org.id, '--url', 'http://127.0.0.1:9', '--database', 'late']);
    const boundAt = Date.now();
    for (const [i, gateway] of gateways.entries()) {
      let status = 0;
      while (Date.now() - boundAt <= 1000 && status !== 201) status = (await write(gateway, `after binding ${i} ${Date.now()}`)).status;
      expect(status).toBe(201);
    }
  });
});
