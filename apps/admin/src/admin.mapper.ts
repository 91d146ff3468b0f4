import { ApiKeyRow, AuditRow, OrganizationRow } from '@memtrace/catalog';
import { DEFAULT_SCOPES, parseScopes } from '@memtrace/tenancy';
import { CreateApiKeyRequestDto } from './api-keys/dto/create-api-key.request.dto';
import { SetOrgLimitsRequestDto } from './organizations/dto/set-org-limits.request.dto';
import { SetOrgRetentionRequestDto } from './organizations/dto/set-org-retention.request.dto';
import { OrgLimitsView } from './organizations/org-limits.service';
import { BindingView } from './store-bindings/store-binding.service';

/** Validated requests (HTTP or CLI) as the services take them. */
export function toKeyInput(dto: CreateApiKeyRequestDto) {
  return {
    name: dto.name,
    scopes: dto.scopes === undefined ? DEFAULT_SCOPES : parseScopes(dto.scopes),
    expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
  };
}

export function toLimitChanges(dto: SetOrgLimitsRequestDto) {
  return {
    requestsPerSecond: dto.requests_per_second,
    memoriesPerSecond: dto.memories_per_second,
    keyRequestsPerSecond: dto.key_requests_per_second,
    keyMemoriesPerSecond: dto.key_memories_per_second,
  };
}

export function toRetentionChange(dto: SetOrgRetentionRequestDto) {
  return { days: dto.days, memoryType: dto.memory_type };
}

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

/** Per second; `overrides` holds null where the deployment default applies. */
export function toLimitsResponse(view: OrgLimitsView, burstSeconds: number) {
  const wire = (l: { requests: number | null; memories: number | null; keyRequests: number | null; keyMemories: number | null }) => ({
    requests_per_second: l.requests,
    memories_per_second: l.memories,
    key_requests_per_second: l.keyRequests,
    key_memories_per_second: l.keyMemories,
  });
  const { overrides: o, effective: e } = view;
  return {
    org_id: view.orgId,
    limits: wire({ requests: e.orgRequests, memories: e.orgMemories, keyRequests: e.keyRequests, keyMemories: e.keyMemories }),
    overrides: wire({ requests: o.requestsPerSecond, memories: o.memoriesPerSecond, keyRequests: o.keyRequestsPerSecond, keyMemories: o.keyMemoriesPerSecond }),
    burst_seconds: burstSeconds,
  };
}
