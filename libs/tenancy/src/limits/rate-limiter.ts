import { Injectable } from '@nestjs/common';
import { RedisClient, RedisService } from '@memtrace/redis';

/**
 * GCRA (the generic cell rate algorithm) over several limits at once, in one Lua script on Redis's
 * own clock, so every gateway shares one budget and skewed host clocks do not matter. Each key holds
 * its limit's "theoretical arrival time" in µs. A request is admitted only if every limit admits
 * it; a refused request consumes nothing, so a caller held back by its org's limit keeps its key's
 * budget. Off-the-shelf limiters check one key per call (or consume from each in turn without
 * giving it back), which is why this one is written here.
 *
 * ARGV per key i: µs per unit of the limit's rate, burst tolerance in µs, cost in units.
 * Reply: admitted (1/0), µs until a retry can pass (0 when admitted), then per key the units left
 * in its burst and the µs until its burst is full again.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tats, retry = {}, 0
for i = 1, #KEYS do
  local interval, tolerance, cost = tonumber(ARGV[3*i-2]), tonumber(ARGV[3*i-1]), tonumber(ARGV[3*i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  tats[i] = tat
  local allow_at = tat + interval * cost - tolerance
  if allow_at > now and allow_at - now > retry then retry = allow_at - now end
end
local out = {retry == 0 and 1 or 0, math.ceil(retry)}
for i = 1, #KEYS do
  local interval, tolerance, cost = tonumber(ARGV[3*i-2]), tonumber(ARGV[3*i-1]), tonumber(ARGV[3*i])
  local tat = tats[i]
  if retry == 0 then
    tat = tat + interval * cost
    redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
  end
  out[#out+1] = math.max(0, math.floor((now + tolerance - tat) / interval))
  out[#out+1] = math.ceil(tat - now)
end
return out`;

/** One limit to check: `perSecond` units, of which `burst` may come at once; this request costs `cost`. */
export interface LimitCheck {
  /** The policy's name in the RateLimit headers, e.g. `org-requests`. */
  policy: string;
  key: string;
  perSecond: number;
  burst: number;
  cost: number;
}

export interface LimitState {
  policy: string;
  /** The burst: how many units may arrive at once. */
  quota: number;
  /** Seconds in which an exhausted burst refills. */
  windowSeconds: number;
  remaining: number;
  /** Seconds until the burst is full again. */
  resetSeconds: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Seconds to wait before a retry of the same request can pass (0 when allowed). */
  retryAfterSeconds: number;
  states: LimitState[];
}

/** The most limits one call checks (a write: key and org, requests and memories). */
const MAX_LIMITS = 4;

type Scripted = RedisClient & Record<string, (...args: Array<string | number>) => Promise<number[]>>;

@Injectable()
export class RateLimiter {
  private readonly client: Scripted;

  constructor(redis: RedisService) {
    // One command per key count, each declaring it: a Redis Cluster client (auto-pipelined) routes a
    // command by its first key, and with the count passed as the first argument it would route by
    // the count, mixing this call into another node's pipeline and failing that pipeline's writes.
    for (let n = 1; n <= MAX_LIMITS; n++) redis.client.defineCommand(`memtraceGcra${n}`, { numberOfKeys: n, lua: GCRA });
    this.client = redis.client as Scripted;
  }

  /**
   * Checks every limit in one round trip. On a Redis Cluster every key must hash to one slot: the
   * callers put the org's hash tag in each.
   */
  async consume(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    if (checks.length < 1 || checks.length > MAX_LIMITS) throw new Error(`between 1 and ${MAX_LIMITS} limits per check, not ${checks.length}`);
    const args: Array<string | number> = checks.map((c) => c.key);
    for (const check of checks) {
      const interval = 1e6 / check.perSecond;
      args.push(interval, interval * check.burst, check.cost);
    }
    const reply = await this.client[`memtraceGcra${checks.length}`](...args);
    const states = checks.map((check, i) => ({
      policy: check.policy,
      quota: check.burst,
      windowSeconds: Math.max(1, Math.ceil(check.burst / check.perSecond)),
      remaining: Number(reply[2 + 2 * i]),
      resetSeconds: Math.ceil(Number(reply[3 + 2 * i]) / 1e6),
    }));
    return { allowed: reply[0] === 1, retryAfterSeconds: Math.ceil(Number(reply[1]) / 1e6), states };
  }
}
