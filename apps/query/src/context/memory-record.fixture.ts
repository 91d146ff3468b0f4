import { MemoryRecord } from '@memtrace/contracts';

/** Test-only: a memory with neutral defaults; `at` is an RFC 3339 time for readability. */
export function memory(fields: Partial<MemoryRecord> & { at?: string } = {}): MemoryRecord {
  const { at, ...rest } = fields;
  return {
    id: '018f0000-0000-7000-8000-000000000000',
    timeUs: at === undefined ? Date.UTC(2026, 1, 7, 20) * 1000 : Date.parse(at) * 1000,
    orgId: 'org_a',
    agentId: 'agent_1',
    sessionId: 'sess_abc123',
    memoryType: 'episodic',
    eventType: 'general',
    content: 'something happened',
    metadata: null,
    tags: [],
    dedupKey: '',
    importance: 0,
    parentId: '',
    ...rest,
  };
}
