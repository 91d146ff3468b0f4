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

describe('the Grafana dashboard (docs/grafana-dashboard.json)', () => {
  it('plots only series this registry defines, with the labels it gives them', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'grafana-dashboard.json'), 'utf8'));
    const metrics = new Metrics();
    const defined = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, m]));
    const labelsOf = (name: string) => (metrics.registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames;
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(20);
    for (const expr of exprs) {
      const names = expr.match(/memtrace_[a-z_]+/g) ?? [];
      expect(names.length).toBeGreaterThan(0);
      for (const raw of names) {
        const name = raw.replace(/_(bucket|sum|count)$/, '');
        expect(defined.has(name) ? name : `${name} (not defined)`).toBe(name);
        // Every label a `by (…)` groups on exists on the series (le: histogram buckets; pod: Prometheus's own).
        for (const group of expr.matchAll(/by \(([^)]*)\)/g)) {
          for (const label of group[1].split(',').map((l) => l.trim())) {
            if (label === 'le' || label === 'pod' || !expr.includes(`${raw}`)) continue;
            const present = names.some((n) => labelsOf(n.replace(/_(bucket|sum|count)$/, '')).includes(label));
            expect(present ? label : `${label} on ${expr}`).toBe(label);
          }
        }
      }
    }
  });
});
