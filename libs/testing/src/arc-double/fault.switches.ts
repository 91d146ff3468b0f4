// The fault switches of a running double. Failure injection is deterministic: a per-route
// accumulator adds the ratio on each request and fails the one that reaches 1, so a ratio of
// 0.25 fails exactly every fourth write — tests can count on it without seeding anything.
import { z } from 'zod';
import type { ArcDoubleFaults } from './arc-double.types';

export const faultsPatchSchema = z
  .object({
    down: z.boolean(),
    slowMs: z.number().int().min(0),
    failWritesRatio: z.number().min(0).max(1),
    failQueriesRatio: z.number().min(0).max(1),
  })
  .partial()
  .strict();

const NO_FAULTS: ArcDoubleFaults = { down: false, slowMs: 0, failWritesRatio: 0, failQueriesRatio: 0 };

export class FaultSwitches {
  private current: ArcDoubleFaults = { ...NO_FAULTS };
  private writeCredit = 0;
  private queryCredit = 0;

  get faults(): ArcDoubleFaults {
    return { ...this.current };
  }

  apply(patch: Partial<ArcDoubleFaults>): ArcDoubleFaults {
    const parsed = faultsPatchSchema.parse(patch);
    if (parsed.failWritesRatio !== undefined) this.writeCredit = 0;
    if (parsed.failQueriesRatio !== undefined) this.queryCredit = 0;
    this.current = { ...this.current, ...parsed };
    return this.faults;
  }

  reset(): ArcDoubleFaults {
    this.writeCredit = 0;
    this.queryCredit = 0;
    this.current = { ...NO_FAULTS };
    return this.faults;
  }

  /** True when this msgpack write must be answered with an injected 500. */
  failThisWrite(): boolean {
    this.writeCredit += this.current.failWritesRatio;
    return this.consume('writeCredit');
  }

  failThisQuery(): boolean {
    this.queryCredit += this.current.failQueriesRatio;
    return this.consume('queryCredit');
  }

  private consume(credit: 'writeCredit' | 'queryCredit'): boolean {
    // A small epsilon keeps ratios such as 0.1 exact despite binary floating point.
    if (this[credit] < 1 - 1e-9) return false;
    this[credit] -= 1;
    return true;
  }
}
