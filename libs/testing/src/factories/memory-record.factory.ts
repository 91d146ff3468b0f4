import type { MemoryRecord } from '@memtrace/contracts';

/** 2026-08-20T12:00:00Z in µs: inside the range Arc reads as µs. */
export const BASE_US = 1_787_227_200_000_000;

let sequence = 0;

export type MemoryRecordOverrides = Partial<MemoryRecord> & {
  /** The record's time as RFC 3339 text, for readability; `timeUs` wins if both are given. */
  at?: string;
};

/**
 * A valid memory record for specs; `overrides` win. Each call gets the next id and time, so ids
 * are unique and sort in creation order, and times follow `BASE_US` one microsecond apart.
 */
export function memoryRecord(overrides: MemoryRecordOverrides = {}): MemoryRecord {
  const { at, ...fields } = overrides;
  sequence += 1;
  return {
    id: `0198c0de-0000-7000-8000-${String(sequence).padStart(12, '0')}`,
    timeUs: at === undefined ? BASE_US + sequence : Date.parse(at) * 1000,
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
    ...fields,
  };
}
