import { AppError } from '@memtrace/contracts';

/**
 * A per-org bound on concurrent store reads in this process. A slow or stuck store otherwise
 * collects every read of its org (2,000 waited 10 s each for the store timeout in a break-it run),
 * holding memory and connections that other tenants' reads need. Past the bound a read fails at
 * once with 503 `store_busy` and `Retry-After`, which clients back off from.
 */
export class ReadAdmission {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly maxPerOrg: number,
    private readonly onShed: (orgId: string) => void = () => undefined,
  ) {}

  async run<T>(orgId: string, read: () => Promise<T>): Promise<T> {
    const current = this.inFlight.get(orgId) ?? 0;
    if (current >= this.maxPerOrg) {
      this.onShed(orgId);
      throw new AppError('store_busy', 'too many concurrent reads for this organisation', `retry in a moment; at most ${this.maxPerOrg} reads of one organisation run at once`);
    }
    this.inFlight.set(orgId, current + 1);
    try {
      return await read();
    } finally {
      const left = (this.inFlight.get(orgId) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(orgId);
      else this.inFlight.set(orgId, left);
    }
  }
}
