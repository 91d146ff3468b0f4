import type { AgentRow, SessionRow } from '@memtrace/catalog';

/** Upstream's Agent (§4.2): empty description/config and a null last_active_at are omitted. */
export interface AgentWire {
  id: string;
  org_id: string;
  name: string;
  description?: string;
  config?: Record<string, unknown>;
  created_at: string;
  last_active_at?: string;
}

/** Upstream's Session (§4.4): empty metadata and a null closed_at are omitted. */
export interface SessionWire {
  id: string;
  org_id: string;
  agent_id: string;
  status: string;
  metadata?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  closed_at?: string;
}

export function toAgentWire(row: AgentRow): AgentWire {
  const wire: AgentWire = { id: row.id, org_id: row.orgId, name: row.name, created_at: row.createdAt.toISOString() };
  if (row.description) wire.description = row.description;
  if (isNonEmptyObject(row.config)) wire.config = row.config;
  if (row.lastActiveAt) wire.last_active_at = row.lastActiveAt.toISOString();
  return wire;
}

export function toSessionWire(row: SessionRow): SessionWire {
  const wire: SessionWire = {
    id: row.id,
    org_id: row.orgId,
    agent_id: row.agentId,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
  if (isNonEmptyObject(row.metadata)) wire.metadata = row.metadata;
  if (row.closedAt) wire.closed_at = row.closedAt.toISOString();
  return wire;
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}
