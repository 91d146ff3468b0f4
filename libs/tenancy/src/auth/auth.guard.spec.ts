import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@memtrace/contracts';
import pino from 'pino';
import { Scope } from '../keys/scopes';
import { ApiKeyVerifier } from './api-key.verifier';
import { Public, RequireScope } from './auth.decorators';
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
