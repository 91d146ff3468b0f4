import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Scope } from '../keys/scopes';
import { Principal } from './principal';

export const SCOPE_METADATA = 'memtrace:scope';
export const PUBLIC_METADATA = 'memtrace:public';

/** The scope a route needs. Every non-public route must declare one: the guard refuses the rest. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_METADATA, scope);

/** A route served without a key (health, readiness, metrics). */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);

export const PRINCIPAL_KEY = 'memtraceprincipal';

/** The authenticated caller, set by `AuthGuard`. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest()[PRINCIPAL_KEY];
});
