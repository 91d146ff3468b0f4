import { HOUR_US, NOW_US, readScope, rejection } from '@memtrace/testing';
import { toActivityResponse } from './agent-activity.mapper';
import { MAX_ACTIVITY_BUCKETS, toAgentActivityQuery } from './agent-activity-query.mapper';

const MINUTE = 60_000_000;

describe('toAgentActivityQuery', () => {
  it('defaults to the last 24 h in 1 h buckets, up to now', () => {
    const q = toAgentActivityQuery('sdr-7', {}, readScope);
    expect(q).toMatchObject({ agentId: 'sdr-7', bucket: '1h', bucketUs: HOUR_US, filter: { orgId: 'org_a', agentId: 'sdr-7', sinceUs: NOW_US - 24 * HOUR_US, untilUs: NOW_US } });
    // NOW_US is on the hour: 24 whole buckets, [NOW_US-24h, NOW_US).
    expect(q).toMatchObject({ firstBucketUs: NOW_US - 24 * HOUR_US, bucketCount: 24 });
  });

  it('takes windows and timestamps as the lists do, and every bucket of the set', () => {
    const q = toAgentActivityQuery('a', { since: '2026-02-08T10:30:00Z', until: '30m', bucket: '15m' }, readScope);
    expect(q).toMatchObject({ filter: { sinceUs: NOW_US - 90 * MINUTE, untilUs: NOW_US - 30 * MINUTE }, bucketCount: 4 });
    const partial = toAgentActivityQuery('a', { since: '2026-02-08T10:20:00Z', until: '2026-02-08T11:05:00Z', bucket: '15m' }, readScope);
    // 10:15 (partial), 10:30, 10:45, 11:00 (partial).
    expect(partial).toMatchObject({ firstBucketUs: NOW_US - 105 * MINUTE, bucketCount: 4 });
    for (const bucket of ['1m', '5m', '15m', '1h', '6h', '1d']) expect(toAgentActivityQuery('a', { since: '1h', bucket }, readScope).bucket).toBe(bucket);
    expect(toAgentActivityQuery('a', { until: 'now' }, readScope).filter.untilUs).toBe(NOW_US);
  });

  it('refuses bad input with a 400 that names it, before anything runs', () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['bad id', {}, /^invalid agent_id: /],
      ['a', { since: 'yesterday' }, /^invalid since: 'yesterday' is neither/],
      ['a', { until: 'soon' }, /^invalid until: 'soon' is neither/],
      ['a', { since: '999999h' }, /^invalid since: 999999h is out of range/],
      ['a', { since: '1h', until: '2h' }, /^invalid until: must be after since$/],
      ['a', { since: '2026-02-08T10:00:00Z', until: '2026-02-08T10:00:00Z' }, /^invalid until: must be after since$/],
      ['a', { bucket: '2h' }, /^invalid bucket: '2h' is not one of 1m, 5m, 15m, 1h, 6h, 1d$/],
      ['a', { bucket: 'constructor' }, /^invalid bucket: 'constructor' is not one of/],
      ['a', { bucket: '1H' }, /^invalid bucket: /],
      ['a', { since: '7d', bucket: '1m' }, new RegExp(`^invalid bucket: the window would have 10080 buckets of 1m, at most ${MAX_ACTIVITY_BUCKETS}$`)], // NOW_US is on the minute
      ['a', { since: '365d', bucket: '1h' }, /^invalid bucket: the window would have 8760 buckets/],
    ];
    for (const [id, params, message] of cases) {
      expect(rejection(() => toAgentActivityQuery(id, params, readScope))).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect(rejection(() => toAgentActivityQuery('a', { bucket: ['1h', '1m'] } as never, readScope))).toEqual({ status: 400, message: 'invalid bucket: given 2 times, expected once' });
    // Just under the cap it passes (416 h of 5 minutes: 4992 buckets), just over it does not.
    expect(toAgentActivityQuery('a', { since: '416h', bucket: '5m' }, readScope).bucketCount).toBe(4992);
    expect(rejection(() => toAgentActivityQuery('a', { since: '417h', bucket: '5m' }, readScope)).message).toMatch(/5004 buckets/);
  });
});

describe('toActivityResponse', () => {
  it('answers every bucket of the window, oldest first, with per-type counts, totals and errors', () => {
    const q = toAgentActivityQuery('sdr-7', { since: '3h', bucket: '1h' }, readScope);
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
