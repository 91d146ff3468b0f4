import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyRepository, ApiKeyRow } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { Metrics } from '@memtrace/observability';
import type { Invalidation, InvalidationBus } from '@memtrace/redis';
import pino from 'pino';
import { hashApiKey } from '../keys/api-key';
import { Scope } from '../keys/scopes';
import { ApiKeyVerifier } from './api-key.verifier';
import { PRINCIPAL_KEY, Public, RequireScope } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import { Principal } from './principal';

/** Keys the fake verifier knows, with their scopes. */
const KEYS: Record<string, Scope[]> = { mtk_reader: ['read'], mtk_writer: ['read', 'write'], mtk_admin: ['admin'] };

class FakeVerifier {
  async verify(key: string): Promise<Principal | null> {
    const scopes = KEYS[key];
    return scopes ? { keyId: 1, keyName: key, orgId: 'org_a', scopes } : null;
  }
}

class Routes {
  @RequireScope('write')
  write() {}
  @RequireScope('read')
  read() {}
  @Public()
  health() {}
  undeclared() {}
}

function contextFor(handler: keyof Routes, headers: Record<string, string>) {
  const request: Record<string, unknown> = { headers, url: `/${handler}` };
  const context = {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('AuthGuard', () => {
  const guard = new AuthGuard(new Reflector(), new FakeVerifier() as unknown as ApiKeyVerifier, pino({ level: 'silent' }));
  const refusal = async (handler: keyof Routes, headers: Record<string, string>) => {
    const error = await guard.canActivate(contextFor(handler, headers).context).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    return { status: (error as AppError).status, message: (error as AppError).message };
  };

  it('lets public routes through without a key', async () => {
    await expect(guard.canActivate(contextFor('health', {}).context)).resolves.toBe(true);
  });

  it('answers 401 without a key and for an unknown key', async () => {
    expect(await refusal('read', {})).toEqual({ status: 401, message: 'missing API key' });
    expect(await refusal('read', { 'x-api-key': 'mtk_unknown' })).toEqual({ status: 401, message: 'invalid API key' });
  });

  it('answers 403 for a key without the route scope; admin implies the others', async () => {
    expect(await refusal('write', { 'x-api-key': 'mtk_reader' })).toEqual({ status: 403, message: "API key lacks the 'write' scope" });
    await expect(guard.canActivate(contextFor('write', { authorization: 'Bearer mtk_admin' }).context)).resolves.toBe(true);
  });

  it('puts the verified principal on the request', async () => {
    const { context, request } = contextFor('write', { 'x-api-key': 'mtk_writer' });
    await guard.canActivate(context);
    expect(Object.values(request).find((v) => (v as Principal)?.orgId)).toEqual({ keyId: 1, keyName: 'mtk_writer', orgId: 'org_a', scopes: ['read', 'write'] });
  });

  it('refuses a route that declares no scope, even to an admin key', async () => {
    expect(await refusal('undeclared', { 'x-api-key': 'mtk_admin' })).toEqual({ status: 403, message: 'this route is not available to API keys' });
  });
});

@RequireScope('admin')
class AdminRoutes {
  /** Inherits the class's scope. */
  rotate() {}
  /** Overrides it. */
  @RequireScope('read')
  status() {}
}

function contextOn(target: object, handler: string, headers: Record<string, string>) {
  const request: Record<string, unknown> = { headers, url: `/${handler}`, query: {}, body: {} };
  const context = {
    getHandler: () => (target as { prototype: Record<string, unknown> }).prototype[handler],
    getClass: () => target,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('AuthGuard route scopes and failures', () => {
  const guard = new AuthGuard(new Reflector(), new FakeVerifier() as unknown as ApiKeyVerifier, pino({ level: 'silent' }));

  it("a handler's scope overrides its class's; a handler without one inherits it", async () => {
    await expect(guard.canActivate(contextOn(AdminRoutes, 'status', { 'x-api-key': 'mtk_reader' }).context)).resolves.toBe(true);
    const error = await guard.canActivate(contextOn(AdminRoutes, 'rotate', { 'x-api-key': 'mtk_writer' }).context).catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toBody()).toEqual({ error: "API key lacks the 'admin' scope", hint: 'create a key with --permissions including admin', code: 'forbidden' });
  });

  it('reads x-api-key before Authorization: a bad x-api-key is refused even beside a good Bearer token', async () => {
    const error = await guard.canActivate(contextOn(Routes, 'read', { 'x-api-key': 'mtk_unknown', authorization: 'Bearer mtk_admin' }).context).catch((e: AppError) => e);
    expect((error as AppError).toBody()).toEqual({ error: 'invalid API key', code: 'unauthenticated' });
    // Without x-api-key, Authorization is read whole when it is not a Bearer token (upstream's quirk).
    await expect(guard.canActivate(contextOn(Routes, 'read', { authorization: 'mtk_reader' }).context)).resolves.toBe(true);
  });

  it('a verifier failure (PostgreSQL down) is not turned into a 401: it reaches the error filter as is', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const failing = new AuthGuard(new Reflector(), { verify: () => Promise.reject(outage) } as unknown as ApiKeyVerifier, pino({ level: 'silent' }));
    const { context, request } = contextOn(Routes, 'read', { 'x-api-key': 'mtk_reader' });
    await expect(failing.canActivate(context)).rejects.toBe(outage);
    expect(request[PRINCIPAL_KEY]).toBeUndefined();
  });

  it('logs a route that declares no scope, by URL', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logging = new AuthGuard(new Reflector(), new FakeVerifier() as unknown as ApiKeyVerifier, pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) }));
    await logging.canActivate(contextOn(Routes, 'undeclared', { 'x-api-key': 'mtk_admin' }).context).catch(() => undefined);
    expect(logged).toEqual([expect.objectContaining({ url: '/undeclared', msg: 'route declares no scope; refusing it' })]);
  });
});

/** The catalog's key table in memory: rows by hash, and every hash it was asked for. */
class FakeKeyTable {
  readonly lookups: string[] = [];
  readonly touched: number[] = [];
  private readonly rows = new Map<string, ApiKeyRow>();
  private nextId = 1;

  add(key: string, orgId: string, scopes: Scope[], expiresAt: Date | null = null): ApiKeyRow {
    const row: ApiKeyRow = { id: this.nextId++, orgId, name: `key-${this.nextId}`, keyHash: hashApiKey(key), scopes, createdAt: new Date(0), expiresAt, revokedAt: null, lastUsedAt: null };
    this.rows.set(row.keyHash, row);
    return row;
  }

  revoke(key: string) {
    this.rows.get(hashApiKey(key))!.revokedAt = new Date();
  }

  async findByHash(keyHash: string): Promise<ApiKeyRow | null> {
    this.lookups.push(keyHash);
    const row = this.rows.get(keyHash);
    return row ? { ...row } : null;
  }

  async touchLastUsed(id: number): Promise<void> {
    this.touched.push(id);
  }
}

class FakeBus {
  private readonly handlers: Array<(event: Invalidation) => void> = [];
  on(handler: (event: Invalidation) => void) {
    this.handlers.push(handler);
  }
  emit(event: Invalidation) {
    for (const handler of this.handlers) handler(event);
  }
}

describe('AuthGuard with the real ApiKeyVerifier (keys in memory)', () => {
  function setup(env: Record<string, string> = {}) {
    const keys = new FakeKeyTable();
    const bus = new FakeBus();
    const metrics = new Metrics();
    const verifier = new ApiKeyVerifier(AppConfig.fromEnv(env), keys as unknown as ApiKeyRepository, metrics, pino({ level: 'silent' }), bus as unknown as InvalidationBus);
    const guard = new AuthGuard(new Reflector(), verifier, pino({ level: 'silent' }));
    const attempt = async (handler: keyof Routes, headers: Record<string, string>) => {
      const { context, request } = contextFor(handler, headers);
      try {
        await guard.canActivate(context);
        return { status: 200, principal: request[PRINCIPAL_KEY] as Principal };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { status: error.status, body: error.toBody(), principal: request[PRINCIPAL_KEY] };
      }
    };
    const failures = async () => Object.fromEntries((await metrics.authFailures.get()).values.map((v) => [v.labels.reason, v.value]));
    return { keys, bus, attempt, failures };
  }

  it('binds the caller to the org of its key, whatever the request says about orgs; the table sees only the hash', async () => {
    const { keys, attempt } = setup();
    const acme = keys.add('mtk_acme_writer', 'org_acme', ['read', 'write']);
    keys.add('mtk_voya_reader', 'org_voya', ['read']);
    const asAcme = await attempt('write', { 'x-api-key': 'mtk_acme_writer', 'x-org-id': 'org_voya', 'x-memtrace-org': 'org_voya' });
    expect(asAcme).toEqual({ status: 200, principal: { keyId: acme.id, keyName: acme.name, orgId: 'org_acme', scopes: ['read', 'write'] } });
    expect((await attempt('read', { authorization: 'Bearer mtk_voya_reader' })).principal).toMatchObject({ orgId: 'org_voya', scopes: ['read'] });
    expect(keys.lookups).toEqual([hashApiKey('mtk_acme_writer'), hashApiKey('mtk_voya_reader')]);
    expect(keys.lookups.join()).not.toContain('mtk_');
  });

  it("answers a key's missing scope with 403 and its hint, after authenticating it", async () => {
    const { keys, attempt } = setup();
    keys.add('mtk_reader', 'org_a', ['read']);
    expect(await attempt('write', { 'x-api-key': 'mtk_reader' })).toMatchObject({
      status: 403,
      body: { error: "API key lacks the 'write' scope", hint: 'create a key with --permissions including write', code: 'forbidden' },
    });
  });

  it('refuses unknown, revoked and expired keys with 401 "invalid API key", counted by reason, and sets no principal', async () => {
    const { keys, attempt, failures } = setup();
    keys.add('mtk_revoked', 'org_a', ['read']);
    keys.revoke('mtk_revoked');
    keys.add('mtk_expired', 'org_a', ['read'], new Date(Date.now() - 1_000));
    const refused = { status: 401, body: { error: 'invalid API key', code: 'unauthenticated' }, principal: undefined };
    expect(await attempt('read', { 'x-api-key': 'mtk_nobody' })).toEqual(refused);
    expect(await attempt('read', { 'x-api-key': 'mtk_revoked' })).toEqual(refused);
    expect(await attempt('read', { 'x-api-key': 'mtk_expired' })).toEqual(refused);
    expect(await failures()).toEqual({ unknown: 1, revoked: 1, expired: 1 });
  });

  it('caches a verified key; a revocation takes effect when the bus says so, for that key, its org, or everything', async () => {
    const { keys, bus, attempt } = setup();
    keys.add('mtk_one', 'org_a', ['read']);
    keys.add('mtk_two', 'org_a', ['read']);
    keys.add('mtk_other_org', 'org_b', ['read']);
    for (const key of ['mtk_one', 'mtk_two', 'mtk_other_org']) expect((await attempt('read', { 'x-api-key': key })).status).toBe(200);
    expect(keys.lookups).toHaveLength(3);

    keys.revoke('mtk_one');
    expect((await attempt('read', { 'x-api-key': 'mtk_one' })).status).toBe(200); // still cached
    bus.emit({ kind: 'api-key', keyHash: hashApiKey('mtk_one') });
    expect((await attempt('read', { 'x-api-key': 'mtk_one' })).status).toBe(401);

    keys.revoke('mtk_two');
    keys.revoke('mtk_other_org');
    bus.emit({ kind: 'org', orgId: 'org_a' });
    expect((await attempt('read', { 'x-api-key': 'mtk_two' })).status).toBe(401);
    expect((await attempt('read', { 'x-api-key': 'mtk_other_org' })).status).toBe(200); // another org's entry stays
    bus.emit({ kind: 'all' });
    expect((await attempt('read', { 'x-api-key': 'mtk_other_org' })).status).toBe(401);
  });

  it('a cached key stops working at its expiry without another lookup', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
    try {
      const { keys, attempt } = setup({ MEMTRACE_AUTH_CACHE_TTL_MS: String(3_600_000) });
      keys.add('mtk_short', 'org_a', ['read'], new Date('2026-12-01T12:01:00Z'));
      expect((await attempt('read', { 'x-api-key': 'mtk_short' })).status).toBe(200);
      jest.setSystemTime(new Date('2026-12-01T12:01:00Z')); // well within the cache's hour
      expect((await attempt('read', { 'x-api-key': 'mtk_short' })).status).toBe(401);
      expect(keys.lookups).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
