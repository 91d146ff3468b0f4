import { OrganizationRepository, Tx } from '@memtrace/catalog';
import { AppError } from '@memtrace/contracts';

/** 404 unless the org exists; `hint` says what to do about it where the caller knows (`create it first`). */
export async function assertOrgExists(orgs: OrganizationRepository, orgId: string, options: { tx?: Tx; hint?: string } = {}): Promise<void> {
  if (!(await orgs.get(orgId, options.tx))) throw new AppError('not_found', `org '${orgId}' not found${options.hint ? `; ${options.hint}` : ''}`);
}
