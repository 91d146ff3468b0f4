import { Injectable } from '@nestjs/common';
import { RedisService } from '@memtrace/redis';

/**
 * A per-org counter of changes to the agent registry (an agent created or deleted), so the query
 * service can cache what an agent id or name resolves to and still see a registration at once: the
 * gateway bumps it after the change is committed, a reader compares it before using its cache.
 */
@Injectable()
export class AgentDirectoryVersion {
  constructor(private readonly redis: RedisService) {}

  async bump(orgId: string): Promise<void> {
    await this.redis.client.incr(this.keyOf(orgId));
  }

  async current(orgId: string): Promise<string> {
    return (await this.redis.client.get(this.keyOf(orgId))) ?? '0';
  }

  private keyOf(orgId: string): string {
    return this.redis.key('agents', this.redis.orgTag(orgId), 'version');
  }
}
