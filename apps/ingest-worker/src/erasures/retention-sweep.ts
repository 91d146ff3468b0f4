import { ErasureRepository, RetentionRepository, RetentionRules } from '@memtrace/catalog';
import { ErasureFilter, erasureStoreFilter, MEMORY_TYPES, nowUs } from '@memtrace/contracts';
import { ErasureLauncher } from '@memtrace/ingest';
import { Metrics } from '@memtrace/observability';
import { StoreRegistry } from '@memtrace/store';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';

const DAY_US = 86_400_000_000;

export interface RetentionSweepDeps {
  retention: RetentionRepository;
  erasures: ErasureRepository;
  stores: StoreRegistry;
  launcher: ErasureLauncher;
  metrics: Metrics;
  logger: Logger;
}

/**
 * One retention sweep (a scheduled job, so one worker runs each): for every org with rules, an
 * erasure of the memories past them, run like any other (receipt, audit, tombstone). An org that
 * has nothing past its rules gets no erasure; one whose previous retention erasure of the same
 * types is still running gets no second one. A failing org is logged and the sweep goes on.
 */
export class RetentionSweep {
  constructor(private readonly deps: RetentionSweepDeps) {}

  async run(now = nowUs()): Promise<{ orgs: number; started: number }> {
    const policies = await this.deps.retention.all();
    let started = 0;
    for (const [orgId, rules] of policies) {
      for (const filter of retentionFilters(rules, now)) {
        try {
          if (await this.start(orgId, filter)) started += 1;
        } catch (error) {
          this.deps.metrics.retentionSweeps.inc({ outcome: 'org_failed' });
          this.deps.logger.warn({ orgId, err: (error as Error).message }, 'retention: could not start the erasure of an org; the next sweep tries again');
        }
      }
    }
    this.deps.metrics.retentionSweeps.inc({ outcome: 'ok' });
    if (started > 0) this.deps.logger.info({ orgs: policies.size, started }, 'retention sweep started erasures');
    return { orgs: policies.size, started };
  }

  private async start(orgId: string, filter: ErasureFilter): Promise<boolean> {
    const store = await this.deps.stores.forOrg(orgId);
    if ((await store.count(erasureStoreFilter(orgId, filter))) === 0) return false;
    const erasure = await this.deps.erasures.createUnlessOpen({ id: uuidv7(), orgId, kind: 'retention', filter, dryRun: false, actor: 'retention' }, (open) => sameTypes(open, filter));
    if (!erasure) return false;
    await this.deps.launcher.launch(orgId, erasure.id, filter);
    return true;
  }
}

/**
 * The erasure filters of an org's rules at `now`: one per type with its own rule, and one for the
 * other types under the org-wide rule. Times are exclusive, so a memory exactly `days` old stays.
 */
export function retentionFilters(rules: RetentionRules, now: number): ErasureFilter[] {
  const filters: ErasureFilter[] = Object.entries(rules.memoryTypes).map(([type, days]) => ({ memoryTypes: [type], untilUs: now - days * DAY_US }));
  if (rules.days !== null) {
    const others = MEMORY_TYPES.filter((type) => !(type in rules.memoryTypes));
    if (others.length > 0) filters.push({ ...(others.length < MEMORY_TYPES.length ? { memoryTypes: [...others] } : {}), untilUs: now - rules.days * DAY_US });
  }
  return filters;
}

function sameTypes(a: ErasureFilter, b: ErasureFilter): boolean {
  return JSON.stringify(a.memoryTypes ?? null) === JSON.stringify(b.memoryTypes ?? null);
}
