import { Metrics, OTHER_ORGS } from './metrics';

describe('Metrics org series', () => {
  it('gives the first `max` orgs and every named org a series of their own, the rest share _other', () => {
    const metrics = new Metrics({ named: ['org_vip'], max: 2 });
    expect(['org_1', 'org_2', 'org_3', 'org_1'].map((org) => metrics.org(org))).toEqual(['org_1', 'org_2', OTHER_ORGS, 'org_1']);
    expect(metrics.org('org_vip')).toBe('org_vip');
  });

  it('keeps 10,000 orgs to a bounded number of series, with exact counter sums', async () => {
    const metrics = new Metrics({ named: [], max: 100 });
    for (let i = 0; i < 10_000; i++) {
      metrics.ingestRowsWritten.inc({ org: metrics.org(`org_${i}`) }, 2);
      metrics.setOrgGauge(metrics.queueDepth, `org_${i}`, 1);
    }
    const rows = (await metrics.ingestRowsWritten.get()).values;
    expect(rows).toHaveLength(101);
    expect(rows.reduce((sum, v) => sum + v.value, 0)).toBe(20_000);
    expect(rows.find((v) => v.labels.org === OTHER_ORGS)?.value).toBe(2 * 9_900);
    // A gauge of _other would be whichever org was set last: only orgs with their own series have one.
    expect((await metrics.queueDepth.get()).values).toHaveLength(100);
  });
});
