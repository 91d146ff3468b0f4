import { randomBytes } from 'node:crypto';
import { generateMasterKey } from '@memtrace/tenancy';
import { AppProcess, createStack, httpRequest, HttpResult, RequestOptions, Stack, TestEnv, waitFor } from '@memtrace/testing';
import { API_KEY_RE, bootstrapKeyFrom, controlPlaneSnapshot, expectedMask, sha256, sql } from './admin-fixtures';

jest.setTimeout(120_000);

/**
 * The admin API driven over HTTP as a client would, against a real admin process (and a real
 * gateway process where a key must be proven to work), on the suite's own database.
 * The auth cache TTL is ten minutes, so only an invalidation can explain a key stopping to work.
 */
describe('admin API', () => {
  let stack: Stack;
  let env: TestEnv;
  let admin: AppProcess;
  let gateway: AppProcess;
  /** Every response body of the admin process and the gateway, in order. */
  const transcript: string[] = [];
  let operatorKey: string;
  let operatorKeyId: number;
  /** Store tokens handed to the API: none may ever appear in a response or a log line. */
  const tokens: string[] = [];
  /** Plaintext API keys issued: each may appear in its creation response only, never in a log. */
  const issuedKeys: string[] = [];

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const secretToken = (length = 32) => `tok${randomBytes(32).toString('hex')}`.slice(0, length);
  const onAdmin = (method: string, path: string, options: RequestOptions = {}) => httpRequest(admin, method, path, { transcript, ...options });
  const onGateway = (method: string, path: string, options: RequestOptions = {}) => httpRequest(gateway, method, path, { transcript, ...options });
  /** `key` null sends no key at all. */
  const call = (method: string, path: string, key: string | null = operatorKey, options: RequestOptions = {}) =>
    onAdmin(method, `/admin/v1${path}`, { key: key ?? undefined, ...options });
  const verifyOnGateway = (key: string) => onGateway('GET', '/api/v1/auth/verify', { key });

  function expectStatus(result: HttpResult, status: number) {
    if (result.status !== status) throw new Error(`expected HTTP ${status}, got ${result.status}: ${result.text}`);
  }

  async function createOrg(name = unique('org')): Promise<string> {
    const result = await call('POST', '/orgs', operatorKey, { json: { name } });
    expectStatus(result, 201);
    return result.body.id;
  }

  async function createKey(orgId: string, body: Record<string, unknown>, key = operatorKey): Promise<{ id: number; key: string }> {
    const result = await call('POST', `/orgs/${orgId}/keys`, key, { json: { name: unique('key'), ...body } });
    expectStatus(result, 201);
    issuedKeys.push(result.body.key);
    return { id: result.body.id, key: result.body.key };
  }

  async function bindStore(orgId: string, body: Record<string, unknown> = {}, key = operatorKey): Promise<HttpResult> {
    if (typeof body.token === 'string') tokens.push(body.token);
    const result = await call('PUT', `/orgs/${orgId}/store`, key, { json: { url: 'http://arc.example:8000', database: 'mem', ...body } });
    expectStatus(result, 200);
    return result;
  }

  beforeAll(async () => {
    stack = await createStack({ arc: false, env: { MEMTRACE_AUTH_CACHE_TTL_MS: '600000' } });
    env = stack.env;
    admin = await stack.spawn('admin');
    operatorKey = bootstrapKeyFrom(admin);
    gateway = await stack.spawn('gateway');
    const keys = await call('GET', '/orgs/org_default/keys');
    operatorKeyId = keys.body.keys.find((k: { name: string }) => k.name === 'admin').id;
  });

  afterAll(() => stack?.close());

  describe('process and public routes', () => {
    it('prints the bootstrap admin key on stdout only, never into the log stream', () => {
      expect(operatorKey).toMatch(API_KEY_RE);
      expect(admin.stdout()).toContain('FIRST RUN');
      expect(admin.stderr()).not.toContain(operatorKey);
      // The gateway started on an already bootstrapped database: no second banner.
      expect(gateway.stdout()).not.toMatch(/mtk_/);
    });

    it('serves GET /health without a key, and metrics only on the loopback metrics port', async () => {
      const health = await onAdmin('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', service: 'memtrace-admin' });
      // Metric series name orgs: not on the public port (design §7).
      expect((await onAdmin('GET', '/metrics')).status).toBe(404);
      expect((await onGateway('GET', '/metrics')).status).toBe(404);
      expect(admin.stderr()).toMatch(/"app":"metrics","port":\d+,"host":"127\.0\.0\.1","msg":"listening"/);
      const scraped = await fetch(`${admin.url('metrics')}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/^# (HELP|TYPE) memtrace_/m);
      expect((await fetch(`${admin.url('metrics')}/other`)).status).toBe(404);
    });

    it('answers an unknown admin route 404 with the error body', async () => {
      const result = await call('GET', '/nope');
      expect(result.status).toBe(404);
      expect(typeof result.body.error).toBe('string');
    });
  });

  describe('every scope on every admin route', () => {
    /** A real target for refused calls: if the guard let one through, the snapshot would change. */
    let target: { orgId: string; keyId: number };
    const creds: Record<string, string> = {};

    type Call = { path: string; json?: unknown };
    interface RouteCase {
      route: string;
      ok: number;
      /** A call aimed at the shared target (for refused credentials). */
      denied: () => Call;
      /** A call on fresh resources of its own (for the operator key); may create them. */
      allowed: () => Promise<Call>;
    }

    const routes: RouteCase[] = [
      { route: 'POST /orgs', ok: 201, denied: () => ({ path: '/orgs', json: { name: 'must-not-exist' } }), allowed: async () => ({ path: '/orgs', json: { name: unique('scope-org') } }) },
      { route: 'GET /orgs', ok: 200, denied: () => ({ path: '/orgs' }), allowed: async () => ({ path: '/orgs' }) },
      { route: 'GET /orgs/:orgId', ok: 200, denied: () => ({ path: `/orgs/${target.orgId}` }), allowed: async () => ({ path: `/orgs/${target.orgId}` }) },
      { route: 'DELETE /orgs/:orgId', ok: 204, denied: () => ({ path: `/orgs/${target.orgId}` }), allowed: async () => ({ path: `/orgs/${await createOrg()}` }) },
      {
        route: 'POST /orgs/:orgId/keys',
        ok: 201,
        denied: () => ({ path: `/orgs/${target.orgId}/keys`, json: { name: 'must-not-exist', scopes: ['admin'] } }),
        allowed: async () => ({ path: `/orgs/${target.orgId}/keys`, json: { name: unique('scope-key') } }),
      },
      { route: 'GET /orgs/:orgId/keys', ok: 200, denied: () => ({ path: `/orgs/${target.orgId}/keys` }), allowed: async () => ({ path: `/orgs/${target.orgId}/keys` }) },
      {
        route: 'DELETE /orgs/:orgId/keys/:keyId',
        ok: 200,
        denied: () => ({ path: `/orgs/${target.orgId}/keys/${target.keyId}` }),
        allowed: async () => ({ path: `/orgs/${target.orgId}/keys/${(await createKey(target.orgId, {})).id}` }),
      },
      {
        route: 'PUT /orgs/:orgId/store',
        ok: 200,
        denied: () => ({ path: `/orgs/${target.orgId}/store`, json: { url: 'http://evil.example', database: 'stolen' } }),
        allowed: async () => ({ path: `/orgs/${await createOrg()}/store`, json: { url: 'http://arc.example', database: 'db' } }),
      },
      { route: 'GET /orgs/:orgId/store', ok: 200, denied: () => ({ path: `/orgs/${target.orgId}/store` }), allowed: async () => ({ path: `/orgs/${target.orgId}/store` }) },
      {
        route: 'DELETE /orgs/:orgId/store',
        ok: 204,
        denied: () => ({ path: `/orgs/${target.orgId}/store` }),
        allowed: async () => {
          const orgId = await createOrg();
          await bindStore(orgId);
          return { path: `/orgs/${orgId}/store` };
        },
      },
      {
        route: 'POST /master-key/rotate',
        ok: 200,
        // A foreign key: had the guard let this through, every token would be re-sealed under it.
        denied: () => ({ path: '/master-key/rotate', json: { new_key: generateMasterKey() } }),
        allowed: async () => ({ path: '/master-key/rotate', json: {} }),
      },
      { route: 'GET /audit', ok: 200, denied: () => ({ path: '/audit' }), allowed: async () => ({ path: '/audit' }) },
    ];

    const refusals: { who: string; status: number; error: string }[] = [
      { who: 'no key', status: 401, error: 'missing API key' },
      { who: 'an unknown key', status: 401, error: 'invalid API key' },
      { who: 'a malformed key', status: 401, error: 'invalid API key' },
      { who: 'a revoked admin key', status: 401, error: 'invalid API key' },
      { who: 'an expired admin key', status: 401, error: 'invalid API key' },
      { who: 'a read-only key', status: 403, error: "API key lacks the 'admin' scope" },
      { who: 'a write-only key', status: 403, error: "API key lacks the 'admin' scope" },
      { who: 'a read,write key', status: 403, error: "API key lacks the 'admin' scope" },
    ];

    beforeAll(async () => {
      target = { orgId: await createOrg(unique('scope-target')), keyId: 0 };
      target.keyId = (await createKey(target.orgId, { scopes: ['read'] })).id;
      await bindStore(target.orgId, { token: secretToken() });

      creds['an unknown key'] = `mtk_${randomBytes(32).toString('base64url')}=`;
      creds['a malformed key'] = 'not-a-memtrace-key';
      creds['a read-only key'] = (await createKey('org_default', { scopes: ['read'] })).key;
      creds['a write-only key'] = (await createKey('org_default', { scopes: ['write'] })).key;
      creds['a read,write key'] = (await createKey('org_default', { scopes: 'read,write' })).key;
      // Revoked and expired keys carry the admin scope, so a failure to reject them would succeed.
      // Neither is used before it is refused, so no cache can hide the state in PostgreSQL.
      const revoked = await createKey('org_default', { scopes: ['admin'] });
      expectStatus(await call('DELETE', `/orgs/org_default/keys/${revoked.id}`), 200);
      creds['a revoked admin key'] = revoked.key;
      const expired = await createKey('org_default', { scopes: ['read', 'write', 'admin'], expires_at: new Date(Date.now() + 3_600_000).toISOString() });
      await sql(env.env.DATABASE_URL, "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
      creds['an expired admin key'] = expired.key;
    });

    const deniedTable = routes.flatMap((route) => refusals.map((refusal) => ({ ...refusal, routeCase: route })));

    it.each(deniedTable.map((c) => [c.routeCase.route, c.who, c] as const))('%s refuses %s, changing nothing', async (_route, who, c) => {
      const method = c.routeCase.route.split(' ')[0];
      const { path, json } = c.routeCase.denied();
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      const result = await call(method, path, who === 'no key' ? null : creds[who], json === undefined ? {} : { json });
      expect({ status: result.status, error: result.body?.error }).toEqual({ status: c.status, error: c.error });
      expect(result.contentType).toMatch(/^application\/json/);
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
    });

    it.each(routes.map((r) => [r.route, r] as const))('%s accepts the operator admin key as x-api-key and as Bearer', async (_route, r) => {
      const method = r.route.split(' ')[0];
      for (const auth of ['x-api-key', 'bearer'] as const) {
        const { path, json } = await r.allowed();
        const result = await call(method, path, operatorKey, { auth, ...(json === undefined ? {} : { json }) });
        expect({ auth, status: result.status }).toEqual({ auth, status: r.ok });
        if (r.ok === 204) expect(result.text).toBe('');
        else expect(result.body).toEqual(expect.any(Object));
      }
    });

    it('accepts the key as a bare Authorization value, as upstream did', async () => {
      const result = await call('GET', '/orgs', null, { headers: { authorization: operatorKey } });
      expect(result.status).toBe(200);
    });

    it('the refused keys were real: the read-only key works where read is enough (gateway)', async () => {
      expect((await verifyOnGateway(creds['a read-only key'])).status).toBe(200);
      expect((await verifyOnGateway(creds['a read,write key'])).status).toBe(200);
      expect((await verifyOnGateway(creds['an expired admin key'])).body).toEqual({ error: 'invalid API key', code: 'unauthenticated' });
    });
  });

  describe('a tenant admin (admin key of a non-operator org)', () => {
    let orgA: string;
    let orgB: string;
    let keyOfA: { id: number; key: string };
    let tenant: string;
    let tokenA: string;

    beforeAll(async () => {
      orgA = await createOrg(unique('tenant-a'));
      orgB = await createOrg(unique('tenant-b'));
      keyOfA = await createKey(orgA, { scopes: ['read'] });
      tokenA = secretToken(24);
      await bindStore(orgA, { token: tokenA });
      tenant = (await createKey(orgB, { scopes: ['admin'] })).key;
    });

    it('sees only its own org in GET /orgs', async () => {
      const result = await call('GET', '/orgs', tenant);
      expect(result.status).toBe(200);
      expect(result.body.orgs.map((o: { id: string }) => o.id)).toEqual([orgB]);
      expect(result.body.count).toBe(1);
      expect((await call('GET', `/orgs/${orgB}`, tenant)).body).toMatchObject({ id: orgB });
    });

    it("manages its own keys and binding", async () => {
      const created = await createKey(orgB, { scopes: ['read'] }, tenant);
      expect((await verifyOnGateway(created.key)).body).toMatchObject({ org_id: orgB, scopes: ['read'] });
      const listed = await call('GET', `/orgs/${orgB}/keys`, tenant);
      expect(listed.body.keys.map((k: { id: number }) => k.id)).toContain(created.id);
      expect((await call('DELETE', `/orgs/${orgB}/keys/${created.id}`, tenant)).status).toBe(200);

      const token = secretToken(20);
      // A public address: a tenant may not bind a name that does not resolve (this machine has no
      // DNS) or a non-public address (store-binding-policy.e2e-spec.ts).
      const bound = await bindStore(orgB, { token, url: 'http://93.184.215.14:8000' }, tenant);
      expect(bound.body).toMatchObject({ org_id: orgB, token: expectedMask(token) });
      expect((await call('GET', `/orgs/${orgB}/store`, tenant)).status).toBe(200);
      expect((await call('DELETE', `/orgs/${orgB}/store`, tenant)).status).toBe(204);
    });

    it("gets 404 for another org's org, keys and binding, and changes nothing there", async () => {
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      const attempts: [string, string, unknown?][] = [
        ['GET', `/orgs/${orgA}`],
        ['GET', `/orgs/${orgA}/keys`],
        ['POST', `/orgs/${orgA}/keys`, { name: 'intruder', scopes: ['admin'] }],
        ['DELETE', `/orgs/${orgA}/keys/${keyOfA.id}`],
        // The key exists but belongs to A: naming it under B's path must not reach it either.
        ['DELETE', `/orgs/${orgB}/keys/${keyOfA.id}`],
        ['GET', `/orgs/${orgA}/store`],
        ['PUT', `/orgs/${orgA}/store`, { url: 'http://evil.example', database: 'stolen' }],
        ['DELETE', `/orgs/${orgA}/store`],
      ];
      for (const [method, path, json] of attempts) {
        const result = await call(method, path, tenant, json === undefined ? {} : { json });
        expect({ method, path, status: result.status }).toEqual({ method, path, status: 404 });
        expect(result.body.error).toMatch(/not found|no arc instance/);
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
      // Its existence is not disclosed: the answer is the same as for an org that does not exist.
      const ghost = await call('GET', '/orgs/org_doesnotexist', tenant);
      const real = await call('GET', `/orgs/${orgA}`, tenant);
      expect(real.body.error.replace(orgA, 'X')).toBe(ghost.body.error.replace('org_doesnotexist', 'X'));
      expect((await verifyOnGateway(keyOfA.key)).status).toBe(200);
      expect((await call('GET', `/orgs/${orgA}/store`)).body.token).toBe(expectedMask(tokenA));
    });

    it('every refused attempt on another org is audited as denied, answered and recorded exactly as for an org that does not exist', async () => {
      // A key of its own, so that only this test's attempts carry its actor.
      const { key: prober, id: proberId } = await createKey(orgB, { scopes: ['admin'] });
      const ghost = `org_${randomBytes(12).toString('hex')}`;
      const unknownKeyId = 2_000_000_000;
      const routes: [string, string, (org: string) => string, unknown?][] = [
        ['POST', '/orgs/:orgId/keys', (org) => `/orgs/${org}/keys`, { name: 'intruder', scopes: ['admin'] }],
        ['PUT', '/orgs/:orgId/store', (org) => `/orgs/${org}/store`, { url: 'http://93.184.215.14:8000', database: 'stolen' }],
        ['DELETE', '/orgs/:orgId/store', (org) => `/orgs/${org}/store`],
        ['DELETE', '/orgs/:orgId/keys/:keyId', (org) => `/orgs/${org}/keys/${keyOfA.id}`],
        ['GET', '/orgs/:orgId', (org) => `/orgs/${org}`],
      ];
      type Attempt = { method: string; route: string; path: string; json?: unknown; status?: number; body?: unknown };
      const attempts: Attempt[] = routes.flatMap(([method, route, path, json]) => [
        { method, route, path: path(orgA), json },
        { method, route, path: path(ghost), json },
      ]);
      // Within its own org, through the same code paths: another org's key id, an unknown key id.
      const revoke = { method: 'DELETE', route: '/orgs/:orgId/keys/:keyId' };
      attempts.push({ ...revoke, path: `/orgs/${orgB}/keys/${keyOfA.id}` }, { ...revoke, path: `/orgs/${orgB}/keys/${unknownKeyId}` });
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      for (const attempt of attempts) {
        const result = await call(attempt.method, attempt.path, prober, attempt.json === undefined ? {} : { json: attempt.json });
        Object.assign(attempt, { status: result.status, body: result.body });
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
      // The answers are unchanged: 404, and for another org the same body as for a nonexistent one.
      const asGhost = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(orgA, ghost));
      for (let i = 0; i < routes.length * 2; i += 2) {
        const [real, missing] = [attempts[i], attempts[i + 1]];
        expect({ path: real.path, status: real.status }).toEqual({ path: real.path, status: 404 });
        expect({ path: real.path, body: asGhost(real.body) }).toEqual({ path: real.path, body: missing.body });
      }
      expect(attempts.slice(-2).map((a) => [a.status, a.body])).toEqual([
        [404, { error: 'key not found', code: 'not_found' }],
        [404, { error: 'key not found', code: 'not_found' }],
      ]);

      // One denied event per attempt, in the tenant's own log: its key, the route, the path as given, the answer.
      const target = (a: Attempt) => `/admin/v1${a.path}`;
      const action = (a: Attempt) => `${a.method} /admin/v1${a.route}`;
      const of = (a: Attempt) => (e: { action: string; target: string }) => e.target === target(a) && e.action === action(a);
      const ownEvents = async () => ((await call('GET', '/audit?limit=1000', prober)).body.events as any[]).filter((e) => e.actor === `key:${proberId}`);
      await waitFor(
        async () => {
          const recorded = await ownEvents();
          return attempts.every((a) => recorded.some(of(a)));
        },
        15_000,
        'a denied event of every attempt in the audit log',
      );
      const events = await ownEvents();
      for (const attempt of attempts) {
        const recorded = events.filter(of(attempt));
        expect({ target: target(attempt), recorded: recorded.map(({ id, at, ...rest }) => rest) }).toEqual({
          target: target(attempt),
          recorded: [
            {
              actor: `key:${proberId}`,
              // Its own org's log, where its own admins see it; never the target org's.
              org_id: orgB,
              action: action(attempt),
              target: target(attempt),
              outcome: 'denied',
              detail: { reason: 'not_found', error: (attempt.body as { error: string }).error },
            },
          ],
        });
      }
      // What the tenant reads about another org's attempt is what it reads about a nonexistent one.
      for (let i = 0; i < routes.length * 2; i += 2) {
        const [real, missing] = [attempts[i], attempts[i + 1]].map((a) => events.find(of(a)));
        expect(asGhost({ ...real, id: 0, at: 0 })).toEqual({ ...missing, id: 0, at: 0 });
      }
      // The target org learns nothing: no event of the tenant's key in its log. The operator sees them all.
      const inA = ((await call('GET', `/audit?limit=1000&org_id=${orgA}`)).body.events as any[]).filter((e) => e.actor === `key:${proberId}`);
      expect(inA).toEqual([]);
      const seenByOperator = ((await call('GET', '/audit?limit=1000')).body.events as any[]).filter((e) => e.actor === `key:${proberId}` && e.outcome === 'denied');
      expect(seenByOperator).toHaveLength(attempts.length);
    });

    it('gets 403 for the operator-only routes', async () => {
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      const attempts: [string, string, unknown?][] = [
        ['POST', '/orgs', { name: unique('tenant-made') }],
        ['DELETE', `/orgs/${orgA}`],
        // Its own org too: deleting an org is an operator's act.
        ['DELETE', `/orgs/${orgB}`],
        ['POST', '/master-key/rotate', { new_key: generateMasterKey() }],
      ];
      for (const [method, path, json] of attempts) {
        const result = await call(method, path, tenant, json === undefined ? {} : { json });
        expect({ method, path, status: result.status }).toEqual({ method, path, status: 403 });
        expect(result.body.error).toMatch(/operator/);
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
    });

    it('sees only its own org in the audit log, whatever org_id it asks for', async () => {
      const result = await call('GET', `/audit?limit=1000&org_id=${orgA}`, tenant);
      expect(result.status).toBe(200);
      expect(result.body.count).toBeGreaterThan(0);
      expect(new Set(result.body.events.map((e: { org_id: string }) => e.org_id))).toEqual(new Set([orgB]));
    });

    it('an API key cannot delete its own org, even the operator key (409)', async () => {
      const result = await call('DELETE', '/orgs/org_default');
      expect(result.status).toBe(409);
      expect(result.body.error).toBe('an API key cannot delete its own organization');
      expect((await call('GET', '/orgs/org_default')).status).toBe(200);
    });
  });

  describe('malformed requests', () => {
    let org: string;
    let keyId: number;

    beforeAll(async () => {
      org = await createOrg(unique('malformed-target'));
      keyId = (await createKey(org, {})).id;
      await bindStore(org, { token: secretToken() });
    });

    type Case = [string, string, () => string, RequestOptions, RegExp];
    const inFuture = () => new Date(Date.now() + 86_400_000).toISOString();
    const cases: Case[] = [
      ['invalid JSON (org)', 'POST', () => '/orgs', { raw: '{"name": "x"' }, /JSON/i],
      ['invalid JSON (key)', 'POST', () => `/orgs/${org}/keys`, { raw: '{name: x}' }, /JSON/i],
      ['invalid JSON (binding)', 'PUT', () => `/orgs/${org}/store`, { raw: '{"url": ' }, /JSON/i],
      ['a JSON array as body', 'POST', () => '/orgs', { json: [{ name: 'x' }] }, /expected object/],
      ['a text body', 'POST', () => '/orgs', { raw: 'name=x', headers: { 'content-type': 'text/plain' } }, /./],
      ['no body', 'POST', () => '/orgs', {}, /name/],
      ['org name of the wrong type', 'POST', () => '/orgs', { json: { name: 42 } }, /name/],
      ['org name empty', 'POST', () => '/orgs', { json: { name: '' } }, /name is required/],
      ['org name blank', 'POST', () => '/orgs', { json: { name: '   ' } }, /name is required/],
      ['org name too long', 'POST', () => '/orgs', { json: { name: 'x'.repeat(201) } }, /name/],
      ['unknown org field', 'POST', () => '/orgs', { json: { name: 'fine', owner: 'me' } }, /owner/],
      ['key name empty', 'POST', () => `/orgs/${org}/keys`, { json: { name: '' } }, /name is required/],
      ['key name of the wrong type', 'POST', () => `/orgs/${org}/keys`, { json: { name: ['a'] } }, /name/],
      ['unknown key field', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', role: 'root' } }, /role/],
      ['bad scope in CSV', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', scopes: 'read,fly' } }, /unknown scope\(s\): fly/],
      ['bad scope in a list', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', scopes: ['read', 'superuser'] } }, /superuser/],
      ['empty scopes', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', scopes: [] } }, /at least one scope/],
      ['scopes of the wrong type', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', scopes: 7 } }, /scopes/],
      ['expires_at in the past', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', expires_at: '2020-01-01T00:00:00Z' } }, /expires_at must be in the future/],
      ['expires_at not a time', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', expires_at: 'tomorrow' } }, /expires_at/],
      ['expires_at without T', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', expires_at: inFuture().replace('T', ' ') } }, /expires_at/],
      ['expires_at without offset', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', expires_at: inFuture().replace('Z', '') } }, /expires_at/],
      ['expires_at as a number', 'POST', () => `/orgs/${org}/keys`, { json: { name: 'k', expires_at: Date.now() + 86_400_000 } }, /expires_at/],
      ['arc url not http', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'ftp://arc.example', database: 'db' } }, /url: an arc url must be http/],
      ['arc url without scheme', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'arc.example:8000', database: 'db' } }, /url/],
      ['arc url empty', 'PUT', () => `/orgs/${org}/store`, { json: { url: '', database: 'db' } }, /url/],
      ['database starting with a digit', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: '1db' } }, /database must start with a letter/],
      ['database with a space', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: 'my db' } }, /database/],
      ['database with SQL', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: "db'; DROP TABLE x;--" } }, /database/],
      ['database missing', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a' } }, /database/],
      ['measurement with a dash', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: 'db', measurement: 'my-events' } }, /measurement must start with a letter/],
      ['measurement starting with a digit', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: 'db', measurement: '9events' } }, /measurement/],
      ['unknown store kind', 'PUT', () => `/orgs/${org}/store`, { json: { kind: 's3', url: 'http://a', database: 'db' } }, /kind/],
      ['token of the wrong type', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: 'db', token: 123 } }, /token/],
      ['unknown binding field', 'PUT', () => `/orgs/${org}/store`, { json: { url: 'http://a', database: 'db', password: 'x' } }, /password/],
      ['org id with a space', 'GET', () => '/orgs/bad%20id', {}, /invalid org id/],
      ['org id starting with a dash', 'DELETE', () => '/orgs/-org', {}, /invalid org id/],
      ['org id over 128 characters', 'GET', () => `/orgs/o${'x'.repeat(128)}`, {}, /invalid org id/],
      ['bad org id when creating a key', 'POST', () => '/orgs/bad%20id/keys', { json: { name: 'k' } }, /invalid org id/],
      ['bad org id when listing keys', 'GET', () => '/orgs/bad%20id/keys', {}, /invalid org id/],
      ['bad org id when binding', 'PUT', () => '/orgs/b%C3%A4d/store', { json: { url: 'http://a', database: 'db' } }, /invalid org id/],
      ['bad org id when unbinding', 'DELETE', () => '/orgs/bad%20id/store', {}, /invalid org id/],
      ['key id not a number', 'DELETE', () => `/orgs/${org}/keys/abc`, {}, /key id must be a positive integer/],
      ['key id fractional', 'DELETE', () => `/orgs/${org}/keys/${keyId}.5`, {}, /key id must be a positive integer/],
      ['key id zero', 'DELETE', () => `/orgs/${org}/keys/0`, {}, /key id must be a positive integer/],
      ['key id negative', 'DELETE', () => `/orgs/${org}/keys/-${keyId}`, {}, /key id must be a positive integer/],
      ['new master key not base64 of 32 bytes', 'POST', () => '/master-key/rotate', { json: { new_key: 'c2hvcnQ=' } }, /exactly 32 bytes/],
      ['new master key of the wrong type', 'POST', () => '/master-key/rotate', { json: { new_key: 32 } }, /new_key/],
      ['unknown rotate field', 'POST', () => '/master-key/rotate', { json: { force: true } }, /force/],
      ['audit limit zero', 'GET', () => '/audit?limit=0', {}, /limit/],
      ['audit limit not a number', 'GET', () => '/audit?limit=lots', {}, /limit/],
      ['audit org id malformed', 'GET', () => '/audit?org_id=bad%20id', {}, /org_id/],
    ];

    it.each(cases)('%s → 400, nothing written', async (_name, method, path, options, message) => {
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      const result = await call(method, path(), operatorKey, options);
      expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: expect.objectContaining({ error: expect.stringMatching(message) }) });
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
    });

    it('the target of those requests was writable: the same calls, well formed, succeed', async () => {
      expect((await call('POST', `/orgs/${org}/keys`, operatorKey, { json: { name: 'k', scopes: 'read,write', expires_at: inFuture() } })).status).toBe(201);
      expect((await call('PUT', `/orgs/${org}/store`, operatorKey, { json: { url: 'http://a', database: 'db', measurement: 'my_events' } })).status).toBe(200);
      expect((await call('DELETE', `/orgs/${org}/keys/${keyId}`)).status).toBe(200);
    });
  });

  describe('conflicts and unknown ids', () => {
    it('a duplicate org name is 409, also after trimming, and creates nothing', async () => {
      const name = unique('dup-org');
      await createOrg(name);
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      for (const again of [name, `  ${name} `]) {
        const result = await call('POST', '/orgs', operatorKey, { json: { name: again } });
        expect(result.status).toBe(409);
        expect(result.body.error).toBe(`organization '${name}' already exists`);
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
    });

    it('a duplicate key name within an org is 409; the same name in another org is fine', async () => {
      const [one, two] = [await createOrg(), await createOrg()];
      await createKey(one, { name: 'ci-bot' });
      const result = await call('POST', `/orgs/${one}/keys`, operatorKey, { json: { name: 'ci-bot' } });
      expect(result.status).toBe(409);
      expect(result.body.error).toBe(`API key 'ci-bot' already exists in org '${one}'`);
      expect((await call('GET', `/orgs/${one}/keys`)).body.count).toBe(1);
      await createKey(two, { name: 'ci-bot' });
    });

    it('unknown org ids are 404 on every org route', async () => {
      const ghost = 'org_000000000000000000000000';
      const attempts: [string, string, unknown?][] = [
        ['GET', `/orgs/${ghost}`],
        ['DELETE', `/orgs/${ghost}`],
        ['POST', `/orgs/${ghost}/keys`, { name: 'k' }],
        ['GET', `/orgs/${ghost}/keys`],
        ['DELETE', `/orgs/${ghost}/keys/1`],
        ['PUT', `/orgs/${ghost}/store`, { url: 'http://a', database: 'db' }],
        ['GET', `/orgs/${ghost}/store`],
        ['DELETE', `/orgs/${ghost}/store`],
      ];
      const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
      for (const [method, path, json] of attempts) {
        const result = await call(method, path, operatorKey, json === undefined ? {} : { json });
        expect({ method, path, status: result.status }).toEqual({ method, path, status: 404 });
        expect(result.body.error).toMatch(/not found|no arc instance configured/);
      }
      expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
      expect((await call('GET', `/orgs/${ghost}`)).body.error).toBe(`org '${ghost}' not found`);
    });

    it('an org id that is valid but long (120 characters) is looked up, not refused', async () => {
      const long = `o${'x'.repeat(119)}`;
      const result = await call('GET', `/orgs/${long}`);
      expect({ status: result.status, body: result.body }).toEqual({ status: 404, body: { error: `org '${long}' not found`, code: 'not_found' } });
    });

    it('unknown, foreign and already revoked key ids are 404', async () => {
      const [one, two] = [await createOrg(), await createOrg()];
      const key = await createKey(one, {});
      for (const path of [`/orgs/${one}/keys/999999`, `/orgs/${two}/keys/${key.id}`]) {
        const result = await call('DELETE', path);
        expect({ path, status: result.status, error: result.body.error }).toEqual({ path, status: 404, error: 'key not found' });
      }
      expect((await verifyOnGateway(key.key)).status).toBe(200);
      expect((await call('DELETE', `/orgs/${one}/keys/${key.id}`)).status).toBe(200);
      expect((await call('DELETE', `/orgs/${one}/keys/${key.id}`)).status).toBe(404);
    });
  });

  describe('API keys', () => {
    it('creation returns the plaintext once; listing never returns a key or its hash', async () => {
      const org = await createOrg();
      const result = await call('POST', `/orgs/${org}/keys`, operatorKey, { json: { name: 'svc', scopes: 'write, read' } });
      expect(result.status).toBe(201);
      const key: string = result.body.key;
      issuedKeys.push(key);
      expect(key).toMatch(API_KEY_RE);
      expect(key).toHaveLength(48);
      expect(key.endsWith('=')).toBe(true);
      expect(result.body).toMatchObject({ org_id: org, name: 'svc', scopes: ['read', 'write'], expires_at: null, revoked_at: null });

      const listed = await call('GET', `/orgs/${org}/keys`);
      expect(listed.body.count).toBe(1);
      expect(Object.keys(listed.body.keys[0]).sort()).toEqual(['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'org_id', 'revoked_at', 'scopes']);
      expect(listed.text).not.toContain(key);
      expect(listed.text).not.toContain(sha256(key));
      expect(listed.text).not.toMatch(/mtk_/);
      // Nor is the plaintext stored anywhere in the row.
      const [row] = await sql(env.env.DATABASE_URL, 'SELECT * FROM api_keys WHERE id = $1', [result.body.id]);
      expect(JSON.stringify(row)).not.toContain(key);
    });

    it('defaults to read,write; the key works on a gateway with its org and scopes', async () => {
      const org = await createOrg();
      const plain = await createKey(org, { name: 'default-scopes' });
      const verified = await verifyOnGateway(plain.key);
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ valid: true, org_id: org, key_id: plain.id, key_name: 'default-scopes', scopes: ['read', 'write'] });

      const expiring = await createKey(org, { scopes: ['read'], expires_at: new Date(Date.now() + 3_600_000).toISOString() });
      expect((await verifyOnGateway(expiring.key)).body).toMatchObject({ org_id: org, scopes: ['read'] });
    });

    it('a revoked key stops working on the running gateway, which had cached it', async () => {
      const org = await createOrg();
      const key = await createKey(org, { scopes: ['read'] });
      expect((await verifyOnGateway(key.key)).status).toBe(200);
      const revoked = await call('DELETE', `/orgs/${org}/keys/${key.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).toEqual(expect.any(String));
      await waitFor(async () => (await verifyOnGateway(key.key)).status === 401, 15_000, 'the revoked key to stop working on the gateway');
      const listed = await call('GET', `/orgs/${org}/keys`);
      expect(listed.body.keys[0].revoked_at).toBe(revoked.body.revoked_at);
    });
  });

  describe('store bindings', () => {
    it.each([
      ['a long token', 'abcdefghijklmnopqrstuvwxyz', 'abcd******************wxyz'],
      ['a 9-character token', '123456789', '1234*6789'],
      ['an 8-character token', '12345678', '********'],
      ['a 1-character token', 'x', '*'],
    ])('PUT and GET show %s masked', async (_name, token, masked) => {
      const org = await createOrg();
      const put = await bindStore(org, { token: `${token}` });
      expect(put.body.token).toBe(masked);
      expect(put.body.token).toBe(expectedMask(token));
      expect((await call('GET', `/orgs/${org}/store`)).body.token).toBe(masked);
    });

    it('a binding without a token shows (empty); defaults are kind arc and measurement events', async () => {
      const org = await createOrg();
      const put = await bindStore(org, { url: 'https://arc.example', database: 'tenant_db' });
      expect(put.body).toMatchObject({ org_id: org, kind: 'arc', url: 'https://arc.example', database: 'tenant_db', measurement: 'events', token: '(empty)', key_version: null });
      expect(put.body.token_error).toBeUndefined();
    });

    it('PUT replaces the binding in place; DELETE removes it (204), then GET is 404', async () => {
      const org = await createOrg();
      const first = await bindStore(org, { token: secretToken(40) });
      const token = secretToken(30);
      const second = await bindStore(org, { url: 'http://arc2.example:8000', database: 'other', measurement: 'agent_events', token });
      expect(second.body).toMatchObject({ id: first.body.id, created_at: first.body.created_at, url: 'http://arc2.example:8000', database: 'other', measurement: 'agent_events', token: expectedMask(token) });
      const rows = await sql(env.env.DATABASE_URL, 'SELECT count(*)::int AS n FROM store_bindings WHERE org_id = $1', [org]);
      expect(rows[0].n).toBe(1);

      const removed = await call('DELETE', `/orgs/${org}/store`);
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      const gone = await call('GET', `/orgs/${org}/store`);
      expect({ status: gone.status, error: gone.body.error }).toEqual({ status: 404, error: `no arc instance configured for ${org}` });
      expect((await call('DELETE', `/orgs/${org}/store`)).status).toBe(404);
      expect((await call('GET', `/orgs/${org}`)).status).toBe(200);
    });

    it('stores the token sealed, not in clear', async () => {
      const org = await createOrg();
      const token = secretToken(48);
      await bindStore(org, { token });
      const [row] = await sql(env.env.DATABASE_URL, 'SELECT token_cipher, token_nonce FROM store_bindings WHERE org_id = $1', [org]);
      expect(row.token_cipher).toBeInstanceOf(Buffer);
      expect(row.token_cipher.includes(Buffer.from(token))).toBe(false);
      expect(row.token_cipher.length).toBeGreaterThanOrEqual(token.length);
    });
  });

  describe('org deletion', () => {
    it("with keep_memories=true, cascades at once: the org's keys stop working on the running gateway; its binding, agents and sessions are gone", async () => {
      const doomed = await createOrg(unique('doomed'));
      const survivor = await createOrg(unique('survivor'));
      const doomedKey = await createKey(doomed, { scopes: ['read'] });
      const survivorKey = await createKey(survivor, { scopes: ['read'] });
      await bindStore(doomed, { token: secretToken() });
      await sql(env.env.DATABASE_URL, "INSERT INTO agents (id, org_id, name) VALUES ($1, $2, 'bot')", [`agent_${randomBytes(12).toString('hex')}`, doomed]);
      const [agent] = await sql(env.env.DATABASE_URL, 'SELECT id FROM agents WHERE org_id = $1', [doomed]);
      await sql(env.env.DATABASE_URL, 'INSERT INTO sessions (id, org_id, agent_id) VALUES ($1, $2, $3)', [`sess_${randomBytes(12).toString('hex')}`, doomed, agent.id]);
      // Cached on the gateway now: only an invalidation can make it stop working.
      expect((await verifyOnGateway(doomedKey.key)).status).toBe(200);

      expect((await call('DELETE', `/orgs/${doomed}?keep_memories=maybe`)).status).toBe(400);
      const deleted = await call('DELETE', `/orgs/${doomed}?keep_memories=true`);
      expect(deleted.status).toBe(204);

      await waitFor(async () => (await verifyOnGateway(doomedKey.key)).status === 401, 15_000, "the deleted org's key to stop working on the gateway");
      expect((await verifyOnGateway(doomedKey.key)).body).toEqual({ error: 'invalid API key', code: 'unauthenticated' });
      expect((await verifyOnGateway(survivorKey.key)).status).toBe(200);
      for (const path of [`/orgs/${doomed}`, `/orgs/${doomed}/keys`, `/orgs/${doomed}/store`]) {
        expect({ path, status: (await call('GET', path)).status }).toEqual({ path, status: 404 });
      }
      for (const table of ['api_keys', 'store_bindings', 'agents', 'sessions']) {
        const [{ n }] = await sql(env.env.DATABASE_URL, `SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [doomed]);
        expect({ table, n }).toEqual({ table, n: 0 });
      }
      expect((await call('DELETE', `/orgs/${doomed}`)).status).toBe(404);
    });

    it('without it, an org with a store answers 202 with the erasure of its memories and loses its keys at once', async () => {
      const doomed = await createOrg(unique('erasing'));
      const doomedKey = await createKey(doomed, { scopes: ['read'] });
      await bindStore(doomed, { token: secretToken() });
      const deleted = await call('DELETE', `/orgs/${doomed}`);
      expect(deleted.status).toBe(202);
      expect(deleted.body).toMatchObject({ org_id: doomed, state: 'erasing', erasure: { kind: 'org', status: 'pending', dry_run: false } });
      await waitFor(async () => (await verifyOnGateway(doomedKey.key)).status === 401, 15_000, "the deleted org's key to stop working on the gateway");
      expect((await call('DELETE', `/orgs/${doomed}`)).body.error).toMatch(/is being deleted/);
      expect((await call('DELETE', `/orgs/${doomed}?keep_memories=true`)).status).toBe(204);
    });
  });

  describe('audit', () => {
    type Event = { id: number; at: string; actor: string; org_id: string | null; action: string; target: string | null; outcome: string; detail: any };
    const auditEvents = async (query = ''): Promise<Event[]> => {
      const result = await call('GET', `/audit?limit=1000${query}`);
      expectStatus(result, 200);
      return result.body.events;
    };

    it('records every mutation, including failed ones, with actor, action and outcome', async () => {
      const name = unique('audited');
      const org = await createOrg(name);
      expect((await call('POST', '/orgs', operatorKey, { json: { name } })).status).toBe(409);
      const key = await createKey(org, { name: 'k' });
      expect((await call('POST', `/orgs/${org}/keys`, operatorKey, { json: { name: 'k' } })).status).toBe(409);
      await bindStore(org, { token: secretToken() });
      expect((await call('DELETE', `/orgs/${org}/keys/${key.id}`)).status).toBe(200);
      expect((await call('DELETE', `/orgs/${org}/store`)).status).toBe(204);
      expect((await call('DELETE', `/orgs/${org}`)).status).toBe(204);

      const events = (await auditEvents(`&org_id=${org}`)).sort((a, b) => a.id - b.id);
      expect(events.map((e) => [e.actor, e.action, e.outcome])).toEqual([
        [`key:${operatorKeyId}`, 'org.create', 'ok'],
        [`key:${operatorKeyId}`, 'api-key.create', 'ok'],
        [`key:${operatorKeyId}`, 'api-key.create', 'failed'],
        [`key:${operatorKeyId}`, 'store-binding.set', 'ok'],
        [`key:${operatorKeyId}`, 'api-key.revoke', 'ok'],
        [`key:${operatorKeyId}`, 'store-binding.remove', 'ok'],
        [`key:${operatorKeyId}`, 'org.delete', 'ok'],
      ]);
      for (const event of events) {
        expect(new Date(event.at).toISOString()).toBe(event.at);
        expect(event.org_id).toBe(org);
      }
      // The failed org.create was for a fresh id, so it is found by the name it tried.
      const failedCreate = (await auditEvents()).filter((e) => e.action === 'org.create' && e.outcome === 'failed' && e.detail?.name === name);
      expect(failedCreate).toHaveLength(1);
      expect(failedCreate[0].actor).toBe(`key:${operatorKeyId}`);
    });

    it('a failed mutation is recorded with a plain reason, not database internals', async () => {
      const name = unique('audited-dup');
      await createOrg(name);
      expect((await call('POST', '/orgs', operatorKey, { json: { name } })).status).toBe(409);
      const failed = (await auditEvents()).find((e) => e.action === 'org.create' && e.outcome === 'failed' && e.detail?.name === name);
      expect(failed).toBeDefined();
      const reason = String(failed!.detail.error);
      expect(reason).not.toMatch(/invocation|prisma|\.js:\d+|\/dist\//i);
      expect(reason).toContain('already exists');
    });

    it('a mutation that finds nothing to change (404) is not recorded as a success', async () => {
      const ghost = `org_${randomBytes(12).toString('hex')}`;
      const unbound = await createOrg();
      expect((await call('DELETE', `/orgs/${ghost}`)).status).toBe(404);
      expect((await call('DELETE', `/orgs/${unbound}/store`)).status).toBe(404);
      const recorded = [...(await auditEvents(`&org_id=${ghost}`)), ...(await auditEvents(`&org_id=${unbound}`))];
      const claimedOk = recorded.filter((e) => e.outcome === 'ok' && e.action !== 'org.create').map((e) => `${e.action} ${e.target} ${e.outcome}`);
      expect(claimedOk).toEqual([]);
    });

    it('records each refusal once: a 404 of a mutation stays its failed record, and an unknown route is no attempt', async () => {
      const unbound = await createOrg();
      expect((await call('DELETE', `/orgs/${unbound}/store`)).status).toBe(404);
      expect((await call('GET', '/nope')).status).toBe(404);
      // A refusal recorded after both: once it is there, theirs would be too.
      const sentinel = `/orgs/org_${randomBytes(12).toString('hex')}`;
      expect((await call('GET', sentinel)).status).toBe(404);
      await waitFor(async () => (await auditEvents()).some((e) => e.target === `/admin/v1${sentinel}`), 15_000, 'the sentinel request in the audit log');
      const events = await auditEvents();
      expect(events.filter((e) => e.target === `/admin/v1/orgs/${unbound}/store`)).toEqual([]);
      const ofUnbound = events.filter((e) => e.org_id === unbound).sort((x, y) => x.id - y.id);
      expect(ofUnbound.map((e) => [e.action, e.outcome])).toEqual([
        ['org.create', 'ok'],
        ['store-binding.remove', 'failed'],
      ]);
      expect(events.filter((e) => e.target === '/admin/v1/nope')).toEqual([]);
      expect(events.find((e) => e.target === `/admin/v1${sentinel}`)).toMatchObject({ actor: `key:${operatorKeyId}`, org_id: 'org_default', outcome: 'denied', detail: { reason: 'not_found' } });
    });

    it('records refused calls as denied, identifying the key without revealing it', async () => {
      // A key that verified is named by its id, in its org's log; one that did not, by a hash prefix, for the operator only.
      const reader = await createKey('org_default', { scopes: ['read', 'write'] });
      const stranger = `mtk_${randomBytes(32).toString('base64url')}=`;
      expect((await call('POST', '/orgs', reader.key, { json: { name: unique('nope') } })).status).toBe(403);
      expect((await call('DELETE', `/orgs/org_default/store`, stranger)).status).toBe(401);
      const anonymousBefore = (await auditEvents()).filter((e) => e.actor === 'anonymous').length;
      expect((await call('GET', '/audit', null)).status).toBe(401);

      const find = async () => {
        const events = await auditEvents();
        return {
          forbidden: events.find((e) => e.actor === `key:${reader.id}` && e.outcome === 'denied'),
          unauthenticated: events.find((e) => e.actor === `key-hash:${sha256(stranger).slice(0, 12)}`),
          anonymous: events.filter((e) => e.actor === 'anonymous').length,
          text: JSON.stringify(events),
        };
      };
      await waitFor(
        async () => {
          const found = await find();
          return Boolean(found.forbidden && found.unauthenticated && found.anonymous > anonymousBefore);
        },
        15_000,
        'the forbidden, unauthenticated and anonymous events in the audit log',
      );
      const found = await find();
      expect(found.forbidden).toMatchObject({ org_id: 'org_default', action: 'POST /admin/v1/orgs', target: '/admin/v1/orgs', outcome: 'denied', detail: { reason: 'forbidden' } });
      expect(found.unauthenticated).toMatchObject({
        org_id: null,
        action: 'DELETE /admin/v1/orgs/:orgId/store',
        target: '/admin/v1/orgs/org_default/store',
        outcome: 'denied',
        detail: { reason: 'unauthenticated' },
      });
      expect(found.anonymous).toBe(anonymousBefore + 1);
      expect(found.text).not.toContain(reader.key);
      expect(found.text).not.toContain(stranger);
    });
  });

  describe('secrets', () => {
    it('no store token ever appears in a response or in the process logs', () => {
      expect(tokens.length).toBeGreaterThan(5);
      const received = transcript.join('\n');
      const logs = admin.stderr() + admin.stdout() + gateway.stderr() + gateway.stdout();
      for (const token of tokens.filter((t) => t.length > 12)) {
        expect(received.includes(token) ? token : null).toBeNull();
        expect(logs.includes(token) ? token : null).toBeNull();
      }
    });

    it('an API key appears only in the response that created it, and never in a log', () => {
      expect(issuedKeys.length).toBeGreaterThan(10);
      const logs = admin.stderr() + gateway.stderr() + gateway.stdout();
      for (const key of [...issuedKeys, operatorKey]) {
        const seen = transcript.filter((text) => text.includes(key)).length;
        expect({ key, seen }).toEqual({ key, seen: key === operatorKey ? 0 : 1 });
        expect(logs.includes(key) ? key : null).toBeNull();
      }
    });
  });
});

describe('master-key rotation over HTTP', () => {
  let stack: Stack;
  let env: TestEnv;
  let operatorKey: string;
  let first: AppProcess;
  let org: string;
  const oldKey = () => env.env.MEMTRACE_MASTER_KEY;
  const newKey = generateMasterKey();
  const token = `arc-token-${randomBytes(12).toString('hex')}`;

  const startAdmin = (masterKey: string) => stack.spawn('admin', { MEMTRACE_MASTER_KEY: masterKey });
  const store = (app: AppProcess) => httpRequest(app, 'GET', `/admin/v1/orgs/${org}/store`, { key: operatorKey });

  beforeAll(async () => {
    stack = await createStack({ arc: false });
    env = stack.env;
    first = await stack.spawn('admin');
    operatorKey = bootstrapKeyFrom(first);
    const created = await httpRequest(first, 'POST', '/admin/v1/orgs', { key: operatorKey, json: { name: 'rotating-co' } });
    org = created.body.id;
    const bound = await httpRequest(first, 'PUT', `/admin/v1/orgs/${org}/store`, { key: operatorKey, json: { url: 'http://arc.example', database: 'db', token } });
    expect(bound.body.token).toBe(expectedMask(token));
  });

  afterAll(() => stack?.close());

  it('refuses a malformed new key and changes nothing', async () => {
    const before = await controlPlaneSnapshot(env.env.DATABASE_URL);
    const result = await httpRequest(first, 'POST', '/admin/v1/master-key/rotate', { key: operatorKey, json: { new_key: 'bm90LWEta2V5' } });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(/exactly 32 bytes/);
    expect(await controlPlaneSnapshot(env.env.DATABASE_URL)).toEqual(before);
  });

  it('re-seals every token under the new key and returns {rotated, key_version}', async () => {
    const before = (await store(first)).body;
    const result = await httpRequest(first, 'POST', '/admin/v1/master-key/rotate', { key: operatorKey, json: { new_key: newKey } });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(['key_version', 'rotated']);
    expect(result.body.rotated).toBe(1);
    expect(result.body.key_version).toEqual(expect.any(Number));
    expect(result.body.key_version).not.toBe(before.key_version);
    const [row] = await sql(env.env.DATABASE_URL, 'SELECT key_version FROM store_bindings WHERE org_id = $1', [org]);
    expect(row.key_version).toBe(result.body.key_version);
  });

  it('a process with the new key shows the token masked; one with the old key reports it unavailable', async () => {
    const [withNew, withOld] = await Promise.all([startAdmin(newKey), startAdmin(oldKey())]);
    const fresh = await store(withNew);
    expect(fresh.status).toBe(200);
    expect(fresh.body.token).toBe(expectedMask(token));
    expect(fresh.body.token_error).toBeUndefined();

    const stale = await store(withOld);
    expect(stale.status).toBe(200);
    expect(stale.body.token).not.toBe(expectedMask(token));
    expect(stale.body.token_error).toEqual(expect.stringContaining('master key'));
    // Both still serve everything else.
    expect((await httpRequest(withOld, 'GET', '/admin/v1/orgs', { key: operatorKey })).status).toBe(200);
    // And the old key stays usable during a rolling rotation as MEMTRACE_MASTER_KEY_PREVIOUS.
    const app = await stack.spawn('admin', { MEMTRACE_MASTER_KEY: oldKey(), MEMTRACE_MASTER_KEY_PREVIOUS: newKey });
    expect((await store(app)).body.token).toBe(expectedMask(token));
  });

  it('no process ever logged the token', () => {
    for (const app of stack.apps) expect(app.stderr() + app.stdout()).not.toContain(token);
  });
});
