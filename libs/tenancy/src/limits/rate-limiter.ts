import { Injectable } from '@nestjs/common';
import { RedisClient, RedisService } from '@memtrace/redis';

/**
 * GCRA (the generic cell rate algorithm) over several limits at once, in one Lua script on Redis's
 * own clock, so every gateway shares one budget and skewed host clocks do not matter. Each key holds
 * its limit's "theoretical arrival time" in µs. A request is admitted only if every limit admits
 * it; a refused request consumes nothing, so a caller held back by its org's limit keeps its key's
 * budget. Off-the-shelf limiters check one key per call (or consume from each in turn without
 * giving it back), which is why this one is written here. One call decides a group of requests on
 * the same keys in order, exactly as one call each at the same instant would.
 *
 * ARGV: per key i its µs per unit of rate and burst tolerance in µs; the number of requests; then
 * per request its cost in units on each key. Reply per request: admitted (1/0), µs until a retry
 * can pass (0 when admitted), then per key the units left in its burst and the µs until it is full.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = #KEYS
local tats, spent = {}, false
for i = 1, n do
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  tats[i] = tat < now and now or tat
end
local out = {}
local requests = tonumber(ARGV[2 * n + 1])
for j = 0, requests - 1 do
  local costs, retry = 2 * n + 1 + j * n, 0
  for i = 1, n do
    local allow_at = tats[i] + tonumber(ARGV[2 * i - 1]) * tonumber(ARGV[costs + i]) - tonumber(ARGV[2 * i])
    if allow_at > now and allow_at - now > retry then retry = allow_at - now end
  end
  out[#out + 1] = retry == 0 and 1 or 0
  out[#out + 1] = math.ceil(retry)
  for i = 1, n do
    local interval, tolerance = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
    if retry == 0 then tats[i] = tats[i] + interval * tonumber(ARGV[costs + i]) spent = true end
    out[#out + 1] = math.max(0, math.floor((now + tolerance - tats[i]) / interval))
    out[#out + 1] = math.ceil(tats[i] - now)
  end
end
if spent then
  for i = 1, n do
    redis.call('SET', KEYS[i], string.format('%d', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000) + 1)
  end
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

/** The requests of one turn of the event loop that check the same limits. */
interface Group {
  checks: readonly LimitCheck[];
  costs: number[][];
  waiters: Array<{ resolve(decision: LimitDecision): void; reject(error: unknown): void }>;
}

@Injectable()
export class RateLimiter {
  private readonly client: Scripted;
  private readonly open = new Map<string, Group>();

  constructor(redis: RedisService) {
    // One command per key count, each declaring it: a Redis Cluster client (auto-pipelined) routes a
    // command by its first key, and with the count passed as the first argument it would route by
    // the count, mixing this call into another node's pipeline and failing that pipeline's writes.
    for (let n = 1; n <= MAX_LIMITS; n++) redis.client.defineCommand(`memtraceGcra${n}`, { numberOfKeys: n, lua: GCRA });
    this.client = redis.client as Scripted;
  }

  /**
   * Checks every limit; the requests of one event-loop turn on the same limits (one API key's
   * burst) share one round trip and are decided in arrival order. On a Redis Cluster every key must
   * hash to one slot: the callers put the org's hash tag in each.
   */
  consume(checks: readonly LimitCheck[]): Promise<LimitDecision> {
    if (checks.length < 1 || checks.length > MAX_LIMITS) throw new Error(`between 1 and ${MAX_LIMITS} limits per check, not ${checks.length}`);
    const id = checks.map((c) => `${c.key} ${c.perSecond} ${c.burst}`).join('\n');
    let group = this.open.get(id);
    if (!group) {
      const opened: Group = { checks, costs: [], waiters: [] };
      this.open.set(id, opened);
      setImmediate(() => {
        this.open.delete(id);
        void this.decide(opened);
      });
      group = opened;
    }
    group.costs.push(checks.map((c) => c.cost));
    return new Promise((resolve, reject) => group.waiters.push({ resolve, reject }));
  }

  private async decide({ checks, costs, waiters }: Group): Promise<void> {
    const args: Array<string | number> = checks.map((c) => c.key);
    for (const check of checks) {
      const interval = 1e6 / check.perSecond;
      args.push(interval, interval * check.burst);
    }
    args.push(costs.length, ...costs.flat());
    let reply: number[];
    try {
      reply = await this.client[`memtraceGcra${checks.length}`](...args);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    const stride = 2 + 2 * checks.length;
    waiters.forEach((waiter, j) => {
      const at = j * stride;
      const states = checks.map((check, i) => ({
        policy: check.policy,
        quota: check.burst,
        windowSeconds: Math.max(1, Math.ceil(check.burst / check.perSecond)),
        remaining: Number(reply[at + 2 + 2 * i]),
        resetSeconds: Math.ceil(Number(reply[at + 3 + 2 * i]) / 1e6),
      }));
      waiter.resolve({ allowed: reply[at] === 1, retryAfterSeconds: Math.ceil(Number(reply[at + 1]) / 1e6), states });
    });
  }
}
