import { HOUR_US, NOW_US } from '@memtrace/testing';
import { toActivityResponse } from './agent-activity.mapper';

describe('toActivityResponse', () => {
  it('answers every bucket of the window, oldest first, with per-type counts, totals and errors', () => {
    const q = { agentId: 'sdr-7', sinceUs: NOW_US - 3 * HOUR_US, untilUs: NOW_US, bucket: '1h', bucketUs: HOUR_US };
    const response = toActivityResponse(q, [
      { bucketUs: NOW_US - 2 * HOUR_US, memoryType: 'episodic', count: 3, errors: 1 },
      { bucketUs: NOW_US - 2 * HOUR_US, memoryType: 'decision', count: 1, errors: 0 },
      { bucketUs: NOW_US - 3 * HOUR_US, memoryType: 'entity', count: 2, errors: 2 },
    ]);
    expect(response).toEqual({
      agent_id: 'sdr-7',
      since: '2026-02-08T09:00:00Z',
      until: '2026-02-08T12:00:00Z',
      bucket: '1h',
      bucket_seconds: 3600,
      memory_types: ['decision', 'entity', 'episodic'],
      buckets: [
        { start: '2026-02-08T09:00:00Z', counts: { entity: 2 }, total: 2, errors: 2 },
        { start: '2026-02-08T10:00:00Z', counts: { episodic: 3, decision: 1 }, total: 4, errors: 1 },
        { start: '2026-02-08T11:00:00Z', counts: {}, total: 0, errors: 0 },
      ],
      total: 6,
      errors: 3,
    });
  });
});
