// Counters the control port reports, so a test can assert what reached the double (how many
// writes, how many 500s) without scraping logs.
import type { ArcDoubleStats, ArcRouteCounters } from './arc-double.types';

export type CountedRoute = 'writes' | 'queries' | 'deletes';

export class TrafficStats {
  private counters = emptyCounters();
  private responses500 = 0;
  private flushes = 0;
  private flushErrors = 0;

  recordResponse(route: CountedRoute | null, status: number, injected = false): void {
    if (status === 500) this.responses500++;
    if (!route) return;
    const counters = this.counters[route];
    counters.total++;
    if (status < 400) counters.succeeded++;
    else if (status < 500) counters.rejected++;
    else counters.failed++;
    if (injected) counters.injected++;
  }

  recordFlush(ok: boolean): void {
    if (ok) this.flushes++;
    else this.flushErrors++;
  }

  snapshot(flushed: Map<string, Map<string, number>>, buffered: Map<string, Map<string, number>>): ArcDoubleStats {
    const rows: ArcDoubleStats['rows'] = {};
    const add = (source: Map<string, Map<string, number>>, key: 'flushed' | 'buffered') => {
      for (const [database, measurements] of source) {
        for (const [measurement, count] of measurements) {
          const perDb = (rows[database] ??= {});
          const entry = (perDb[measurement] ??= { flushed: 0, buffered: 0 });
          entry[key] += count;
        }
      }
    };
    add(flushed, 'flushed');
    add(buffered, 'buffered');
    return {
      writes: { ...this.counters.writes },
      queries: { ...this.counters.queries },
      deletes: { ...this.counters.deletes },
      responses500: this.responses500,
      flushes: this.flushes,
      flushErrors: this.flushErrors,
      rows,
    };
  }

  reset(): void {
    this.counters = emptyCounters();
    this.responses500 = 0;
    this.flushes = 0;
    this.flushErrors = 0;
  }
}

function emptyCounters(): Record<CountedRoute, ArcRouteCounters> {
  const zero = (): ArcRouteCounters => ({ total: 0, succeeded: 0, rejected: 0, failed: 0, injected: 0 });
  return { writes: zero(), queries: zero(), deletes: zero() };
}
