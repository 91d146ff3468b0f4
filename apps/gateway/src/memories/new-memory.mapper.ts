import { MemoryRecord, MemoryType } from '@memtrace/contracts';
import { CreateMemoryRequestDto } from './dto/create-memory.request.dto';

/** A validated create request: a memory before the gateway stamps id, time and org. */
export type NewMemory = Omit<MemoryRecord, 'id' | 'timeUs' | 'orgId'>;

/** Upstream's defaults: `""` and absent are the same (`episodic`, `general`, no session…). */
export function toNewMemory(dto: CreateMemoryRequestDto): NewMemory {
  return {
    agentId: dto.agent_id,
    sessionId: dto.session_id ?? '',
    memoryType: (dto.memory_type || 'episodic') as MemoryType,
    eventType: dto.event_type || 'general',
    content: dto.content,
    metadata: dto.metadata ?? null,
    tags: dto.tags ?? [],
    dedupKey: dto.dedup_key ?? '',
    importance: dto.importance ?? 0,
    parentId: dto.parent_id ?? '',
  };
}
