import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrismaService } from '@memtrace/catalog';
import { AppError } from '@memtrace/contracts';
import { createTestEnv, TestEnv } from '@memtrace/testing';
import { BindingOpenError, BindingSealer, BootstrapService, generateMasterKey, MasterKeyRing, StoreBindingResolver } from '@memtrace/tenancy';
import { ApiKeyService } from './api-keys/api-key.service';
import { cliActor } from './audit/actor';
import { CliModule } from './cli/cli.module';
import { OrganizationService } from './organizations/organization.service';
import { MasterKeyRotationService } from './store-bindings/master-key-rotation.service';
import { StoreBindingService } from './store-bindings/store-binding.service';

const actor = cliActor('test');
const arc = (token?: string) => ({ kind: 'arc' as const, url: 'http://127.0.0.1:8000', database: 'mem', measurement: 'events', token });

describe('control plane (real PostgreSQL and Redis)', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  const contexts: INestApplicationContext[] = [];
  const get = <T>(type: new (...args: never[]) => T) => app.get(type);

  /** Another process's view: the same database with a different master-key configuration. */
  async function contextWith(overrides: Record<string, string>) {
    const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(env.config(overrides)), { logger: false });
    contexts.push(ctx);
    return ctx;
  }

  beforeAll(async () => {
    env = await createTestEnv();
    app = await NestFactory.createApplicationContext(CliModule.forRoot(env.config()), { logger: false });
  });

  afterAll(async () => {
    await Promise.all([app, ...contexts].map((c) => c.close()));
    await env.close();
  });

  it('bootstraps exactly once, even when several processes start together', async () => {
    const runs = await Promise.all(Array.from({ length: 6 }, () => get(BootstrapService).run({ embeddedStorePath: '/tmp/x.duckdb' })));
    expect(runs.filter((r) => r.adminKey).length).toBe(1);
    expect(runs.filter((r) => r.boundEmbeddedStore).length).toBe(1);
    expect((await get(BootstrapService).run()).adminKey).toBeUndefined();
    const prisma = get(PrismaService);
    expect(await prisma.organization.count()).toBe(1);
    const keys = await prisma.apiKey.findMany();
    expect(keys.map((k) => [k.orgId, k.name, k.scopes])).toEqual([['org_default', 'admin', ['read', 'write', 'admin']]]);
    expect(await prisma.auditEvent.count({ where: { action: 'bootstrap' } })).toBe(1);
  });

  it('deleting an org removes its keys, binding, agents and sessions, and keeps the audit trail', async () => {
    const org = await get(OrganizationService).create(actor, 'cascade-co');
    await get(ApiKeyService).create(actor, org.id, { name: 'k', scopes: ['read'] });
    await get(StoreBindingService).set(actor, org.id, arc('tok-123456789'), { replace: false });
    const prisma = get(PrismaService);
    await prisma.agent.create({ data: { id: 'agent_1', orgId: org.id, name: 'bot' } });
    await prisma.session.create({ data: { id: 'sess_1', orgId: org.id, agentId: 'agent_1' } });

    await get(OrganizationService).delete(actor, org.id, { keepMemories: true });

    const where = { orgId: org.id };
    expect(await prisma.organization.count({ where: { id: org.id } })).toBe(0);
    expect(await prisma.apiKey.count({ where })).toBe(0);
    expect(await prisma.storeBinding.count({ where })).toBe(0);
    expect(await prisma.agent.count({ where })).toBe(0);
    expect(await prisma.session.count({ where })).toBe(0);
    const audit = await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['org.create', 'ok'],
      ['api-key.create', 'ok'],
      ['store-binding.set', 'ok'],
      ['org.delete', 'ok'],
    ]);
  });

  it('records refused mutations as failed audit events', async () => {
    await get(OrganizationService).create(actor, 'dup-co');
    await expect(get(OrganizationService).create(actor, 'dup-co')).rejects.toMatchObject({ code: 'conflict' });
    const failed = await get(PrismaService).auditEvent.findMany({ where: { action: 'org.create', outcome: 'failed' } });
    expect(failed).toHaveLength(1);
  });

  describe('store bindings', () => {
    it('isolates a tenant whose token ciphertext is corrupted: only that tenant gets a 503 with a hint', async () => {
      const good = await get(OrganizationService).create(actor, 'good-co');
      const bad = await get(OrganizationService).create(actor, 'bad-co');
      const none = await get(OrganizationService).create(actor, 'none-co');
      await get(StoreBindingService).set(actor, good.id, arc('good-token-123'), { replace: false });
      await get(StoreBindingService).set(actor, bad.id, arc('bad-token-456'), { replace: false });
      await get(PrismaService).$executeRaw`UPDATE store_bindings SET token_cipher = set_byte(token_cipher, 0, get_byte(token_cipher, 0) # 1) WHERE org_id = ${bad.id}`;

      const resolver = (await contextWith({})).get(StoreBindingResolver);
      await expect(resolver.resolve(good.id)).resolves.toMatchObject({ kind: 'arc', token: 'good-token-123', measurement: 'events' });
      const failure = await resolver.resolve(bad.id).catch((e: AppError) => e);
      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({ code: 'binding_unavailable', status: 503 });
      expect((failure as AppError).hint).toMatch(/cannot be opened.*add-arc/);
      const missing = await resolver.resolve(none.id).catch((e: AppError) => e);
      expect(missing).toMatchObject({ status: 503, message: 'no arc instance configured for this org' });
      await get(PrismaService).storeBinding.delete({ where: { orgId: bad.id } });
    });

    it('refuses a token moved onto another org (AAD binds org and binding)', async () => {
      const a = await get(OrganizationService).create(actor, 'swap-a');
      const b = await get(OrganizationService).create(actor, 'swap-b');
      await get(StoreBindingService).set(actor, a.id, arc('token-of-a-123'), { replace: false });
      await get(StoreBindingService).set(actor, b.id, arc('token-of-b-456'), { replace: false });
      await get(PrismaService).$executeRaw`
        UPDATE store_bindings SET token_cipher = src.token_cipher, token_nonce = src.token_nonce
        FROM store_bindings src WHERE src.org_id = ${a.id} AND store_bindings.org_id = ${b.id}`;
      const resolver = (await contextWith({})).get(StoreBindingResolver);
      await expect(resolver.resolve(a.id)).resolves.toMatchObject({ token: 'token-of-a-123' });
      await expect(resolver.resolve(b.id)).rejects.toMatchObject({ code: 'binding_unavailable' });
      await get(PrismaService).storeBinding.delete({ where: { orgId: b.id } });
    });

    it('binds many orgs at once with a master key no binding used yet (one key version, no conflict)', async () => {
      const fresh = await contextWith({ MEMTRACE_MASTER_KEY: generateMasterKey() });
      const orgs = await Promise.all(Array.from({ length: 8 }, (_, i) => fresh.get(OrganizationService).create(actor, `concurrent-${i}`)));
      const rows = await Promise.all(orgs.map((org) => fresh.get(StoreBindingService).set(actor, org.id, arc(`tok-${org.id}`), { replace: false })));
      expect(new Set(rows.map((row) => row.keyVersion)).size).toBe(1);
      for (const org of orgs) await expect(fresh.get(StoreBindingResolver).resolve(org.id)).resolves.toMatchObject({ token: `tok-${org.id}` });
      // Sealed under a key the other tests' processes do not hold.
      for (const org of orgs) await fresh.get(OrganizationService).delete(actor, org.id, { keepMemories: true });
    });

    it('names the key version when a process holds the wrong master key', async () => {
      const org = await get(OrganizationService).create(actor, 'wrongkey-co');
      await get(StoreBindingService).set(actor, org.id, arc('tok-abcdefgh'), { replace: false });
      const other = await contextWith({ MEMTRACE_MASTER_KEY: generateMasterKey() });
      await expect(other.get(StoreBindingResolver).resolve(org.id)).rejects.toMatchObject({
        code: 'binding_unavailable',
        hint: expect.stringMatching(/sealed with master key version \d+, which this process does not hold/),
      });
    });

    it('rotation re-seals every token under the new key in one transaction', async () => {
      const prisma = get(PrismaService);
      const orgs = await Promise.all(['rot-a', 'rot-b'].map((n) => get(OrganizationService).create(actor, n)));
      for (const org of orgs) await get(StoreBindingService).set(actor, org.id, arc(`secret-of-${org.id}`), { replace: false });
      const newKey = generateMasterKey();

      const result = await get(MasterKeyRotationService).rotate(actor, newKey);
      expect(result.rotated).toBe(await prisma.storeBinding.count({ where: { tokenCipher: { not: null } } }));

      const sealer = get(BindingSealer);
      for (const org of orgs) {
        const row = (await prisma.storeBinding.findUnique({ where: { orgId: org.id } }))!;
        expect(row.keyVersion).toBe(result.keyVersion);
        await expect(sealer.open(row as never, MasterKeyRing.fromValues(newKey))).resolves.toBe(`secret-of-${org.id}`);
        await expect(sealer.open(row as never, MasterKeyRing.fromValues(env.env.MEMTRACE_MASTER_KEY))).rejects.toThrow(BindingOpenError);
      }
      // A process holding the new key as current and the old one as previous serves everything.
      const rolled = await contextWith({ MEMTRACE_MASTER_KEY: newKey, MEMTRACE_MASTER_KEY_PREVIOUS: env.env.MEMTRACE_MASTER_KEY });
      await expect(rolled.get(StoreBindingResolver).resolve(orgs[0].id)).resolves.toMatchObject({ token: `secret-of-${orgs[0].id}` });
    });

    it('a rotation that cannot open one token changes nothing', async () => {
      const prisma = get(PrismaService);
      const org = await get(OrganizationService).create(actor, 'rot-broken');
      await get(StoreBindingService).set(actor, org.id, arc('will-be-broken'), { replace: false });
      await prisma.$executeRaw`UPDATE store_bindings SET token_cipher = set_byte(token_cipher, 1, get_byte(token_cipher, 1) # 1) WHERE org_id = ${org.id}`;
      const before = await prisma.storeBinding.findMany({ orderBy: { id: 'asc' } });

      await expect(get(MasterKeyRotationService).rotate(actor, generateMasterKey())).rejects.toMatchObject({ code: 'conflict' });

      const after = await prisma.storeBinding.findMany({ orderBy: { id: 'asc' } });
      expect(after.map((b) => [b.id, b.keyVersion, Buffer.from(b.tokenCipher ?? []).toString('hex')])).toEqual(
        before.map((b) => [b.id, b.keyVersion, Buffer.from(b.tokenCipher ?? []).toString('hex')]),
      );
      await prisma.storeBinding.delete({ where: { orgId: org.id } });
    });
  });
});
