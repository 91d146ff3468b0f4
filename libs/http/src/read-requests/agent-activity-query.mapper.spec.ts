import { HOUR_US, NOW_US, rejection } from '@memtrace/testing';
import { windowBuckets } from '@memtrace/contracts';
import { MAX_ACTIVITY_BUCKETS, toAgentActivityQuery } from './agent-activity-query.mapper';

const MINUTE = 60_000_000;

const buckets = (q: { sinceUs: number; untilUs: number; bucketUs: number }) => windowBuckets(q.sinceUs, q.untilUs, q.bucketUs);

describe('toAgentActivityQuery', () => {
  it('defaults to the last 24 h in 1 h buckets, up to now', () => {
    const q = toAgentActivityQuery('sdr-7', {}, NOW_US);
    expect(q).toEqual({ agentId: 'sdr-7', bucket: '1h', bucketUs: HOUR_US, sinceUs: NOW_US - 24 * HOUR_US, untilUs: NOW_US });
    // NOW_US is on the hour: 24 whole buckets, [NOW_US-24h, NOW_US).
    expect(buckets(q)).toEqual({ firstBucketUs: NOW_US - 24 * HOUR_US, bucketCount: 24 });
  });

  it('takes windows and timestamps as the lists do, and every bucket of the set', () => {
    const q = toAgentActivityQuery('a', { since: '2026-02-08T10:30:00Z', until: '30m', bucket: '15m' }, NOW_US);
    expect(q).toMatchObject({ sinceUs: NOW_US - 90 * MINUTE, untilUs: NOW_US - 30 * MINUTE });
    expect(buckets(q).bucketCount).toBe(4);
    const partial = toAgentActivityQuery('a', { since: '2026-02-08T10:20:00Z', until: '2026-02-08T11:05:00Z', bucket: '15m' }, NOW_US);
    // 10:15 (partial), 10:30, 10:45, 11:00 (partial).
    expect(buckets(partial)).toEqual({ firstBucketUs: NOW_US - 105 * MINUTE, bucketCount: 4 });
    for (const bucket of ['1m', '5m', '15m', '1h', '6h', '1d']) expect(toAgentActivityQuery('a', { since: '1h', bucket }, NOW_US).bucket).toBe(bucket);
    expect(toAgentActivityQuery('a', { until: 'now' }, NOW_US).untilUs).toBe(NOW_US);
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
      expect(rejection(() => toAgentActivityQuery(id, params, NOW_US))).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
    expect(rejection(() => toAgentActivityQuery('a', { bucket: ['1h', '1m'] } as never, NOW_US))).toEqual({ status: 400, message: 'invalid bucket: given 2 times, expected once' });
    // Just under the cap it passes (416 h of 5 minutes: 4992 buckets), just over it does not.
    expect(buckets(toAgentActivityQuery('a', { since: '416h', bucket: '5m' }, NOW_US)).bucketCount).toBe(4992);
    expect(rejection(() => toAgentActivityQuery('a', { since: '417h', bucket: '5m' }, NOW_US)).message).toMatch(/5004 buckets/);
  });
});
