import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { RedisService } from '@memtrace/redis';

export interface DedupClaim {
  key: string;
  owner: string;
}

/**
 * Deletes each claim only if it is still ours (it may have expired and been taken by another
 * write). ARGV: key, owner, key, owner… One declared key (the first claim's) for the same reason
 * as the admission script: all claims of an org share its hash tag, hence KEYS[1]'s slot.
 */
const RELEASE = `
for i = 1, #ARGV, 2 do
  if redis.call('GET', ARGV[i]) == ARGV[i + 1] then redis.call('DEL', ARGV[i]) end
end
return 0`;

type ReleaseCommand = (firstKey: string, ...args: string[]) => Promise<number>;

/**
 * Atomic, shared dedup (design §4 step 3): a write claims its dedup key with `SET NX` and the
 * window as TTL (in the gateway's admission script, `WriteAdmission`), so two concurrent identical
 * writes on any replicas yield exactly one winner, and rows still queued are covered (upstream only
 * saw rows already in Arc). This is the key layout and the way claims are given back.
 */
@Injectable()
export class DedupService {
  readonly windowSeconds: number;
  private readonly releaseClaims: ReleaseCommand;

  constructor(
    private readonly redis: RedisService,
    config: AppConfig,
  ) {
    this.windowSeconds = config.writes.dedupWindowSeconds;
    redis.client.defineCommand('memtraceDedupRelease', { numberOfKeys: 1, lua: RELEASE });
    this.releaseClaims = (redis.client as unknown as { memtraceDedupRelease: ReleaseCommand }).memtraceDedupRelease.bind(redis.client);
  }

  /** Gives claims back, e.g. when the enqueue that followed them failed. */
  async release(orgId: string, claims: readonly DedupClaim[]): Promise<void> {
    const owned = claims.filter((c) => c.key);
    if (owned.length === 0) return;
    const args = owned.flatMap((c) => [this.keyOf(orgId, c.key), c.owner]);
    await this.releaseClaims(args[0], ...args);
  }

  /** The Redis key of an org's claim on a dedup key. */
  keyOf(orgId: string, key: string): string {
    return this.redis.key('dedup', this.redis.orgTag(orgId), key);
  }
}
