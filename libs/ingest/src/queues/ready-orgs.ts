import type { RedisClient } from '@memtrace/redis';

/**
 * Which orgs have ingest work: the signal that lets workers drain thousands of per-org queues at a
 * cost bounded by the orgs that have work, instead of polling every queue (design §8b).
 *
 * Four keys per deployment, with one hash tag so that each script runs in one Redis Cluster slot:
 * - `due`: org → the time (Redis clock, µs) from which it should be looked at, oldest first;
 * - `seq`: org → how many signals it has had since it was last found empty;
 * - `leases`: org → until when one worker holds it (the others skip it; a dead worker's lease
 *   expires and the org is taken over);
 * - `wake`: a short list idle workers block on, pushed when an org becomes due.
 *
 * The producer signals *after* its job is in the queue. A worker that finds the queue empty removes
 * the org only if no signal came since it claimed it (`seq` unchanged), so a job added while the
 * worker was looking is never left without a signal.
 */
export interface Claim {
  orgId: string;
  /** `seq` when claimed: the release compares it. */
  seq: string;
  nextDueInMs?: undefined;
}

/** Nothing is due: in how many ms something may be, when anything is waiting. */
export interface NothingDue {
  orgId?: undefined;
  nextDueInMs?: number;
}

export type ReleaseOutcome =
  /** The queue was found empty: forget the org unless a signal came since the claim. */
  | { kind: 'empty' }
  /** Work is left (a turn's quantum was used up, or jobs are delayed or held elsewhere): due again after `afterMs`. */
  | { kind: 'again'; afterMs: number };

/** Redis's clock in µs: one clock for every process, and ties (which would break the order) all but impossible. */
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function at(us) return string.format('%.0f', us) end`;

/**
 * Wake-ups kept for idle workers. A few are enough: a woken worker keeps claiming until nothing is
 * due, and more would only cost idle workers a claim each after a burst.
 */
const WAKE_TOKENS = 16;

/** KEYS: due, seq, wake. ARGV: org. */
const SIGNAL = `${NOW}
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not due) or tonumber(due) > now then
  redis.call('ZADD', KEYS[1], at(now), ARGV[1])
  redis.call('LPUSH', KEYS[3], ARGV[1])
  redis.call('LTRIM', KEYS[3], 0, ${WAKE_TOKENS - 1})
end
return 1`;

/**
 * KEYS: due, seq, leases. ARGV: lease ms. The oldest due org nobody holds, leased to the caller;
 * else {false, ms until the earliest due time or lease expiry}, or {false} when nothing is waiting.
 */
const CLAIM = `${NOW}
local scan = redis.call('ZCARD', KEYS[3]) + 1
local candidates = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', at(now), 'LIMIT', 0, scan)
for _, org in ipairs(candidates) do
  local lease = redis.call('ZSCORE', KEYS[3], org)
  if (not lease) or tonumber(lease) <= now then
    redis.call('ZADD', KEYS[3], at(now + tonumber(ARGV[1]) * 1000), org)
    return {org, redis.call('HGET', KEYS[2], org) or '0'}
  end
end
local nextAt = nil
local later = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. at(now), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if later[2] then nextAt = tonumber(later[2]) end
local lease = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
if lease[2] and redis.call('ZSCORE', KEYS[1], lease[1]) and ((not nextAt) or tonumber(lease[2]) < nextAt) then nextAt = tonumber(lease[2]) end
if nextAt then return {false, tostring(math.max(0, math.ceil((nextAt - now) / 1000)))} end
return {false}`;

/**
 * KEYS: due, seq, leases, wake. ARGV: org, seq at claim, '' (found empty) or ms until due again.
 * A signal that came during the turn makes the org due at once, whatever the turn asked for. Work
 * due at once wakes an idle worker, which may take the org while this one takes another.
 */
const RELEASE = `${NOW}
redis.call('ZREM', KEYS[3], ARGV[1])
local signalled = (redis.call('HGET', KEYS[2], ARGV[1]) or '0') ~= ARGV[2]
if ARGV[3] == '' and not signalled then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
local after = 0
if ARGV[3] ~= '' and not signalled then after = tonumber(ARGV[3]) end
redis.call('ZADD', KEYS[1], at(now + after * 1000), ARGV[1])
if after == 0 and redis.call('LLEN', KEYS[4]) < ${WAKE_TOKENS} then redis.call('LPUSH', KEYS[4], ARGV[1]) end
return 0`;

/** KEYS: leases. ARGV: org, lease ms. Extends a held lease; 0 if it was lost. */
const RENEW = `${NOW}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], at(now + tonumber(ARGV[2]) * 1000), ARGV[1])
return 1`;

type Scripted = RedisClient & {
  memtraceReadySignal(due: string, seq: string, wake: string, orgId: string): Promise<number>;
  memtraceReadyClaim(due: string, seq: string, leases: string, leaseMs: number): Promise<[string | null, string?]>;
  memtraceReadyRelease(due: string, seq: string, leases: string, wake: string, orgId: string, seq0: string, againMs: string): Promise<number>;
  memtraceReadyRenew(leases: string, orgId: string, leaseMs: number): Promise<number>;
};

export class ReadyOrgs {
  private readonly client: Scripted;
  readonly keys: { due: string; seq: string; leases: string; wake: string };

  constructor(client: RedisClient, redisPrefix: string) {
    const base = `${redisPrefix}:ingest:{ready}`;
    this.keys = { due: `${base}:due`, seq: `${base}:seq`, leases: `${base}:leases`, wake: `${base}:wake` };
    client.defineCommand('memtraceReadySignal', { numberOfKeys: 3, lua: SIGNAL });
    client.defineCommand('memtraceReadyClaim', { numberOfKeys: 3, lua: CLAIM });
    client.defineCommand('memtraceReadyRelease', { numberOfKeys: 4, lua: RELEASE });
    client.defineCommand('memtraceReadyRenew', { numberOfKeys: 1, lua: RENEW });
    this.client = client as Scripted;
  }

  /** The org has work (call after its job is in the queue). One round trip. */
  async signal(orgId: string): Promise<void> {
    await this.client.memtraceReadySignal(this.keys.due, this.keys.seq, this.keys.wake, orgId);
  }

  /** Leases the org that has waited longest and that no other worker holds. */
  async claim(leaseMs: number): Promise<Claim | NothingDue> {
    const [orgId, detail] = await this.client.memtraceReadyClaim(this.keys.due, this.keys.seq, this.keys.leases, leaseMs);
    if (orgId) return { orgId, seq: detail ?? '0' };
    return detail === undefined ? {} : { nextDueInMs: Number(detail) };
  }

  /** Gives the lease back; true when the org was forgotten (no work left, no signal since the claim). */
  async release(claim: Claim, outcome: ReleaseOutcome): Promise<boolean> {
    const again = outcome.kind === 'empty' ? '' : String(Math.max(0, Math.round(outcome.afterMs)));
    return (await this.client.memtraceReadyRelease(this.keys.due, this.keys.seq, this.keys.leases, this.keys.wake, claim.orgId, claim.seq, again)) === 1;
  }

  /** Extends a lease while a turn lasts; false if it had been taken away (it expired). */
  async renew(orgId: string, leaseMs: number): Promise<boolean> {
    return (await this.client.memtraceReadyRenew(this.keys.leases, orgId, leaseMs)) === 1;
  }

  /**
   * Blocks on `connection` (a dedicated one: it blocks) until an org becomes due or `timeoutMs`
   * passes. Several waiters may share one wake-up; each then tries to claim.
   */
  async waitForSignal(connection: RedisClient, timeoutMs: number): Promise<boolean> {
    return (await connection.blpop(this.keys.wake, Math.max(0.01, timeoutMs / 1000))) !== null;
  }

  /** Every org due or held: the orgs that may have jobs no worker has taken (the backlog's orgs). */
  async dueOrgIds(): Promise<string[]> {
    return this.client.zrange(this.keys.due, '0', '-1');
  }

  /** How many orgs are due or held (for metrics); one round trip. */
  async dueCount(): Promise<number> {
    return this.client.zcard(this.keys.due);
  }
}
