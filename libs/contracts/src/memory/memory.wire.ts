import { formatTimeUs } from './memory-time';
import { MemoryRecord } from './memory.types';

/**
 * A memory as the REST API returns it: upstream's fields (empty optional fields omitted, as Go's
 * `omitempty` did) plus `id`, which old SDKs ignore.
 */
export interface MemoryWire {
  id: string;
  time: string;
  org_id: string;
  agent_id: string;
  session_id?: string;
  memory_type: string;
  event_type: string;
  content: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  dedup_key?: string;
  importance?: number;
  parent_id?: string;
}

export function toMemoryWire(record: MemoryRecord): MemoryWire {
  const wire: MemoryWire = {
    id: record.id,
    time: formatTimeUs(record.timeUs),
    org_id: record.orgId,
    agent_id: record.agentId,
    memory_type: record.memoryType,
    event_type: record.eventType,
    content: record.content,
  };
  if (record.sessionId) wire.session_id = record.sessionId;
  if (record.metadata && Object.keys(record.metadata).length > 0) wire.metadata = record.metadata;
  if (record.tags.length > 0) wire.tags = record.tags;
  if (record.dedupKey) wire.dedup_key = record.dedupKey;
  if (record.importance !== 0) wire.importance = record.importance;
  if (record.parentId) wire.parent_id = record.parentId;
  return wire;
}
