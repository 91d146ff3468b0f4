import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { RedisService } from '@memtrace/redis';

export interface DedupClaim {
  key: string;
  owner: string;
}

/** Deletes a claim only if it is still ours (it may have expired and been taken by another write). */
const RELEASE_SCRIPT = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then redis.call('DEL', key) end
end
return 0`;

/**
 * Atomic, shared dedup (design §4 step 3): a write claims its dedup key with `SET NX` and the
 * window as TTL, so two concurrent identical writes on any replicas yield exactly one winner, and
 * rows still queued are covered (upstream only saw rows already in Arc).
 */
@Injectable()
export class DedupService {
  private readonly windowSeconds: number;

  constructor(
    private readonly redis: RedisService,
    config: AppConfig,
  ) {
    this.windowSeconds = config.writes.dedupWindowSeconds;
  }

  /**
   * Claims each key for its owner (the memory id). Returns, per input, whether it was claimed: false
   * for a key claimed in Redis by another memory or earlier in the same list. A key its own owner
   * holds already counts as claimed: a keyed retry (Idempotency-Key) names the same memory ids as
   * the attempt it repeats. Empty keys are never duplicates.
   */
  async claim(orgId: string, claims: readonly DedupClaim[]): Promise<boolean[]> {
    const seen = new Set<string>();
    const toClaim: number[] = [];
    const result = claims.map((claim, i) => {
      if (!claim.key) return true;
      if (seen.has(claim.key)) return false;
      seen.add(claim.key);
      toClaim.push(i);
      return true;
    });
    // Issued together, these go out in one write (the client auto-pipelines); each SET NX is atomic.
    const replies = await Promise.all(
      toClaim.map((i) => this.redis.client.set(this.keyOf(orgId, claims[i].key), claims[i].owner, 'EX', this.windowSeconds, 'NX')),
    );
    const refused = toClaim.filter((_, n) => replies[n] !== 'OK');
    if (refused.length > 0) {
      const owners = await this.redis.client.mget(...refused.map((i) => this.keyOf(orgId, claims[i].key)));
      refused.forEach((i, n) => (result[i] = owners[n] === claims[i].owner));
    }
    return result;
  }

  /** Gives claims back, e.g. when the enqueue that followed them failed. */
  async release(orgId: string, claims: readonly DedupClaim[]): Promise<void> {
    const owned = claims.filter((c) => c.key);
    if (owned.length === 0) return;
    await this.redis.client.eval(RELEASE_SCRIPT, owned.length, ...owned.map((c) => this.keyOf(orgId, c.key)), ...owned.map((c) => c.owner));
  }

  private keyOf(orgId: string, key: string): string {
    return this.redis.key('dedup', this.redis.orgTag(orgId), key);
  }
}
