import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@memtrace/contracts';
import { LOGGER } from '@memtrace/observability';
import type { Logger } from 'pino';
import { hasScope, Scope } from '../keys/scopes';
import { ApiKeyVerifier } from './api-key.verifier';
import { PRINCIPAL_KEY, PUBLIC_METADATA, SCOPE_METADATA } from './auth.decorators';

/** Reads the key as upstream did: `x-api-key` first, then `Authorization` (`Bearer ` stripped). */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | undefined {
  const direct = headers['x-api-key'];
  if (typeof direct === 'string' && direct.trim()) return direct.trim();
  const authorization = headers['authorization'];
  if (typeof authorization !== 'string' || !authorization.trim()) return undefined;
  return authorization.startsWith('Bearer ') ? authorization.slice(7).trim() || undefined : authorization.trim();
}

/** Global guard of every HTTP app: authentication, then the route's declared scope. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: ApiKeyVerifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_METADATA, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const key = apiKeyFromHeaders(request.headers);
    if (!key) throw new AppError('unauthenticated', 'missing API key');
    const principal = await this.verifier.verify(key);
    if (!principal) throw new AppError('unauthenticated', 'invalid API key');
    request[PRINCIPAL_KEY] = principal;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_METADATA, targets);
    if (!scope) {
      this.logger.error({ url: request.url }, 'route declares no scope; refusing it');
      throw new AppError('forbidden', 'this route is not available to API keys');
    }
    if (!hasScope(principal.scopes, scope)) {
      throw new AppError('forbidden', `API key lacks the '${scope}' scope`, `create a key with --permissions including ${scope}`);
    }
    return true;
  }
}
