import { AgentRepository } from '@memtrace/catalog';
import { MemoryRecord } from '@memtrace/contracts';
import type { Logger } from 'pino';

/** How often the gathered activity is written: `last_active_at` is a coarse signal. */
const FLUSH_INTERVAL_MS = 1_000;

/**
 * Agents' `last_active_at` follows their stored memories (upstream never set it). Confirmed batches
 * report here; the newest time per (org, agent) is written once a second in one statement for all
 * orgs, so a worker serving thousands of orgs does not pay a PostgreSQL round trip per batch.
 */
export class AgentActivity {
  private pending = new Map<string, { orgId: string; agentKey: string; us: number }>();
  private readonly timer: NodeJS.Timeout;
  private flushing = Promise.resolve();

  constructor(
    private readonly agents: AgentRepository,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(orgId: string, records: readonly MemoryRecord[]): void {
    for (const r of records) {
      const id = `${orgId}\u0000${r.agentId}`;
      const seen = this.pending.get(id);
      if (!seen) this.pending.set(id, { orgId, agentKey: r.agentId, us: r.timeUs });
      else if (r.timeUs > seen.us) seen.us = r.timeUs;
    }
  }

  /** Writes what was gathered; a failure is logged and the newer activity of the next flush wins. */
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    const batch = [...this.pending.values()].map(({ orgId, agentKey, us }) => ({ orgId, agentKey, at: new Date(Math.floor(us / 1000)) }));
    this.pending = new Map();
    this.flushing = this.flushing
      .then(() => this.agents.touchLastActive(batch))
      .catch((error: Error) => this.logger.warn({ agents: batch.length, err: error.message }, 'could not record agent activity'));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
