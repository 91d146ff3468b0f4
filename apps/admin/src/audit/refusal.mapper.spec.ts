import { hashApiKey, Principal, PRINCIPAL_KEY } from '@memtrace/tenancy';
import type { FastifyRequest } from 'fastify';
import { toRefusalEntry } from './refusal.mapper';

function request(options: { method: string; url: string; route?: string; headers?: Record<string, string>; principal?: Principal }): FastifyRequest {
  return {
    method: options.method,
    url: options.url,
    routeOptions: { url: options.route },
    headers: options.headers ?? {},
    ...(options.principal ? { [PRINCIPAL_KEY]: options.principal } : {}),
  } as unknown as FastifyRequest;
}

const tenantAdmin: Principal = { keyId: 7, keyName: 'admin', orgId: 'org_a', scopes: ['admin'] };

describe('toRefusalEntry', () => {
  it("records a verified caller's 404 in the caller's org, with the route, the path as given and the answer", () => {
    const entry = toRefusalEntry(
      request({ method: 'DELETE', url: '/admin/v1/orgs/org_b/keys/2?x=1', route: '/admin/v1/orgs/:orgId/keys/:keyId', principal: tenantAdmin }),
      404,
      { error: 'key not found' },
    );
    expect(entry).toEqual({
      actor: 'key:7',
      orgId: 'org_a',
      action: 'DELETE /admin/v1/orgs/:orgId/keys/:keyId',
      target: '/admin/v1/orgs/org_b/keys/2',
      outcome: 'denied',
      detail: { reason: 'not_found', error: 'key not found' },
    });
  });

  it('names a key that did not verify by a hash prefix only, and an absent one as anonymous, in no org', () => {
    const key = 'mtk_not-a-real-key';
    const bad = toRefusalEntry(request({ method: 'GET', url: '/admin/v1/audit', route: '/admin/v1/audit', headers: { 'x-api-key': key } }), 401, { error: 'invalid API key' });
    expect(bad).toMatchObject({ actor: `key-hash:${hashApiKey(key).slice(0, 12)}`, orgId: null, detail: { reason: 'unauthenticated' } });
    expect(JSON.stringify(bad)).not.toContain(key);
    const none = toRefusalEntry(request({ method: 'GET', url: '/admin/v1/audit', route: '/admin/v1/audit' }), 401, { error: 'missing API key' });
    expect(none).toMatchObject({ actor: 'anonymous', orgId: null });
  });

  it('is nothing for answers that refuse no attempt (bad input, success, 5xx) and for routes that do not exist', () => {
    const route = request({ method: 'POST', url: '/admin/v1/orgs', route: '/admin/v1/orgs', principal: tenantAdmin });
    for (const status of [200, 400, 413, 415, 500, 503]) expect({ status, entry: toRefusalEntry(route, status, { error: 'x' }) }).toEqual({ status, entry: undefined });
    expect(toRefusalEntry(request({ method: 'GET', url: '/admin/v1/nope' }), 404, { error: 'Cannot GET /admin/v1/nope' })).toBeUndefined();
    expect(toRefusalEntry(route, 403, { error: 'x' })).toMatchObject({ detail: { reason: 'forbidden' } });
    expect(toRefusalEntry(route, 409, { error: 'x' })).toMatchObject({ detail: { reason: 'conflict' } });
  });
});
