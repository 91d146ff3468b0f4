import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@memtrace/contracts';
import { ErrorThrottle, LOGGER, Metrics } from '@memtrace/observability';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { PRINCIPAL_KEY } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { LimitState, RateLimiter } from './rate-limiter';
import { RateLimitPolicy } from './rate-limit.policy';

const MEMORY_COUNT_METADATA = 'memtrace:memory-count';

/** How many memories a request writes, from its parsed body; they count against the memories/s limits. */
export const CountsMemories = (count: (body: unknown) => number) => SetMetadata(MEMORY_COUNT_METADATA, count);

/**
 * Rate limits of an API app, after `AuthGuard` (so only verified keys spend budget): every
 * request checks its key's and its org's requests/s, a write also their memories/s, in one Redis
 * round trip shared by every gateway. Answers carry the IETF `RateLimit-Policy` and `RateLimit`
 * headers; a refused request gets 429 with `Retry-After` and writes nothing. If Redis cannot be
 * asked, the request passes: limits protect the service, and failing closed would turn a Redis
 * outage into an outage of reads too (writes fail on their own then).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly errors: ErrorThrottle;

  constructor(
    private readonly reflector: Reflector,
    private readonly policy: RateLimitPolicy,
    private readonly limiter: RateLimiter,
    private readonly metrics: Metrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.errors = new ErrorThrottle(logger, 'rate limiter unavailable; requests pass unlimited');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.policy.enabled) return true;
    const request = context.switchToHttp().getRequest();
    const principal: Principal | undefined = request[PRINCIPAL_KEY];
    if (!principal) return true; // a public route
    const count = this.reflector.get<((body: unknown) => number) | undefined>(MEMORY_COUNT_METADATA, context.getHandler());
    const memories = count ? count(request.body) : 0;
    const checks = await this.policy.checksFor(principal, memories);
    const tooBig = checks.find((check) => check.cost > check.burst);
    if (tooBig) {
      throw new AppError(
        'rate_limited',
        `this request writes ${tooBig.cost} memories, more than the ${tooBig.policy} limit lets through at once (${tooBig.burst})`,
        'send smaller batches, or ask an operator to raise the limit (`memtrace org limits set`)',
      );
    }
    let decision;
    try {
      decision = await this.limiter.consume(checks);
    } catch (error) {
      this.errors.report(error);
      return true;
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    reply.header('ratelimit-policy', decision.states.map(policyItem).join(', '));
    reply.header('ratelimit', decision.states.map(stateItem).join(', '));
    if (decision.allowed) return true;
    const exhausted = decision.states.filter((state, i) => state.remaining < checks[i].cost).map((state) => state.policy);
    for (const limit of exhausted) this.metrics.rateLimited.inc({ org: this.metrics.org(principal.orgId), limit });
    reply.header('retry-after', String(Math.max(1, decision.retryAfterSeconds)));
    throw new AppError(
      'rate_limited',
      `rate limit exceeded (${exhausted.join(', ')})`,
      `retry after ${Math.max(1, decision.retryAfterSeconds)} s; an operator can raise the limit with \`memtrace org limits set\``,
    );
  }
}

/** `"org-requests";q=4000;w=2`: the burst and the seconds it takes to refill (draft-ietf-httpapi-ratelimit-headers). */
function policyItem(state: LimitState): string {
  return `"${state.policy}";q=${state.quota};w=${state.windowSeconds}`;
}

function stateItem(state: LimitState): string {
  return `"${state.policy}";r=${state.remaining};t=${state.resetSeconds}`;
}
