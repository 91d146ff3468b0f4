import { ApiKeyRow, AuditRow, OrganizationRow } from '@memtrace/catalog';
import { BindingView } from './store-bindings/store-binding.service';

/** Wire shapes of the admin API: snake_case and RFC 3339 times, like the rest of the API. */
const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toOrgResponse(org: OrganizationRow) {
  return { id: org.id, name: org.name, created_at: iso(org.createdAt) };
}

export function toKeyResponse(key: ApiKeyRow) {
  return {
    id: key.id,
    org_id: key.orgId,
    name: key.name,
    scopes: key.scopes,
    created_at: iso(key.createdAt),
    expires_at: iso(key.expiresAt),
    revoked_at: iso(key.revokedAt),
    last_used_at: iso(key.lastUsedAt),
  };
}

export function toBindingResponse(view: BindingView) {
  const { row } = view;
  return {
    id: row.id,
    org_id: row.orgId,
    kind: row.kind,
    url: row.url,
    database: row.database,
    measurement: row.measurement,
    token: view.maskedToken,
    ...(view.tokenError ? { token_error: view.tokenError } : {}),
    key_version: row.keyVersion,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function toAuditResponse(row: AuditRow) {
  return {
    id: Number(row.id),
    at: iso(row.at),
    actor: row.actor,
    org_id: row.orgId,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    detail: row.detail ?? null,
  };
}
