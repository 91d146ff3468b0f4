import type { MemoryRecord } from '@memtrace/contracts';
import { RedisService } from '@memtrace/redis';
import { HotTier } from '../hot-tier/hot-tier';
import { encodeHotTierRow } from '../hot-tier/hot-tier-row';
import { DedupService } from './dedup.service';

/** A stamped memory and its dedup key ('' when it has none or dedup is off). */
export interface Admission {
  record: MemoryRecord;
  dedupKey: string;
}

/**
 * For each memory in order: claim its dedup key (`SET NX` with the window as TTL; a key its own
 * memory already holds counts as claimed: a keyed retry names the same ids), and put each claimed
 * memory into the hot tier. ARGV: the window, then per memory its claim key ('' for none), id,
 * time and hot-tier row. The claim keys are not in KEYS: they carry the org's hash tag like the two
 * hot-tier keys, so on a cluster they live in KEYS[1]'s slot, and a fixed key count keeps ioredis's
 * cluster auto-pipelining routing the call by its first key (it routes by the first argument).
 */
const ADMIT = `
local out = {}
for i = 2, #ARGV, 4 do
  local key, id = ARGV[i], ARGV[i + 1]
  local claimed = key == '' or redis.call('SET', key, id, 'EX', ARGV[1], 'NX') or redis.call('GET', key) == id
  if claimed then
    redis.call('HSET', KEYS[2], id, ARGV[i + 3])
    redis.call('ZADD', KEYS[1], ARGV[i + 2], id)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out`;

type AdmitCommand = (index: string, rows: string, ...args: Array<string | number>) => Promise<number[]>;

/**
 * The gateway's half of a write in one round trip per group of requests (group commit): dedup
 * claims and hot-tier rows, atomically per group, so two concurrent identical writes on any
 * replicas still yield exactly one winner and a reader never sees a memory whose claim was lost.
 */
export class WriteAdmission {
  private readonly admit: AdmitCommand;

  constructor(
    redis: RedisService,
    private readonly dedup: DedupService,
    private readonly hotTier: HotTier,
    private readonly windowSeconds: number,
  ) {
    redis.client.defineCommand('memtraceAdmit', { numberOfKeys: 2, lua: ADMIT });
    this.admit = (redis.client as unknown as { memtraceAdmit: AdmitCommand }).memtraceAdmit.bind(redis.client);
  }

  /**
   * Per admission, whether it was claimed and is now in the hot tier: false for a key another
   * memory holds, including one earlier in the same list. Empty keys are never duplicates.
   */
  async run(orgId: string, admissions: readonly Admission[]): Promise<boolean[]> {
    if (admissions.length === 0) return [];
    const { index, rows } = this.hotTier.keys(orgId);
    const args: Array<string | number> = [this.windowSeconds];
    for (const { record, dedupKey } of admissions) {
      args.push(dedupKey ? this.dedup.keyOf(orgId, dedupKey) : '', record.id, record.timeUs, encodeHotTierRow(record));
    }
    const replies = await this.admit(index, rows, ...args);
    return replies.map((reply) => reply === 1);
  }

  /** Undoes `run` for the claimed admissions (the enqueue after it failed): rows out, claims back. */
  async undo(orgId: string, admitted: readonly Admission[]): Promise<void> {
    await Promise.allSettled([
      this.hotTier.remove(orgId, admitted.map((a) => a.record.id)),
      this.dedup.release(orgId, admitted.filter((a) => a.dedupKey).map((a) => ({ key: a.dedupKey, owner: a.record.id }))),
    ]);
  }
}
