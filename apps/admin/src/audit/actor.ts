import { AppError } from '@memtrace/contracts';
import { Principal } from '@memtrace/tenancy';

/**
 * Who performs an admin action. `scopeOrgId` null means "may manage every org": the CLI (it holds
 * the database credentials anyway) and admin keys of the operator org. Admin keys of any other org
 * manage only their own org, so granting a tenant the admin scope never exposes other tenants.
 */
export interface Actor {
  label: string;
  scopeOrgId: string | null;
}

export function actorFromPrincipal(principal: Principal, operatorOrgId: string): Actor {
  return { label: `key:${principal.keyId}`, scopeOrgId: principal.orgId === operatorOrgId ? null : principal.orgId };
}

export function cliActor(user: string): Actor {
  return { label: `cli:${user}`, scopeOrgId: null };
}

/** Another tenant's org is reported as missing, not forbidden: its existence is not disclosed. */
export function assertCanManage(actor: Actor, orgId: string): void {
  if (actor.scopeOrgId !== null && actor.scopeOrgId !== orgId) {
    throw new AppError('not_found', `org '${orgId}' not found`);
  }
}

export function assertOperator(actor: Actor, operatorOrgId: string): void {
  if (actor.scopeOrgId !== null) {
    throw new AppError('forbidden', `only admin keys of the operator org '${operatorOrgId}' can do this`);
  }
}
