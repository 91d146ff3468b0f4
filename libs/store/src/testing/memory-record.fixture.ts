import type { MemoryRecord } from '@memtrace/contracts';

/** 2026-08-20T12:00:00Z in µs: inside the range Arc reads as µs. */
export const BASE_US = 1_787_227_200_000_000;

let sequence = 0;

/** A valid record for specs; `overrides` win. Ids are unique and sort in creation order. */
export function aMemory(overrides: Partial<MemoryRecord> = {}): MemoryRecord {
  sequence += 1;
  return {
    id: `0198c0de-0000-7000-8000-${String(sequence).padStart(12, '0')}`,
    timeUs: BASE_US + sequence,
    orgId: 'org_a',
    agentId: 'agent_1',
    sessionId: 'sess_1',
    memoryType: 'episodic',
    eventType: 'general',
    content: `memory ${sequence}`,
    metadata: null,
    tags: [],
    dedupKey: '',
    importance: 0.5,
    parentId: '',
    ...overrides,
  };
}
