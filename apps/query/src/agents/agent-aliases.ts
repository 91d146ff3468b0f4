import { Injectable } from '@nestjs/common';
import { AgentRepository } from '@memtrace/catalog';
import { AppConfig } from '@memtrace/config';
import { AgentDirectoryVersion, TtlCache } from '@memtrace/tenancy';

/**
 * What an agent id or name resolves to (`AgentRepository.aliases`), cached per org and registry
 * version: agent reads are most of the read traffic, and most name no registered agent, so without
 * it each one cost PostgreSQL lookups. The version (one Redis GET) is bumped by every registration
 * or deletion before it is answered, so a cached answer is never used after a change; the TTL
 * bounds a change whose bump was lost (Redis down). Without Redis the lookup goes to PostgreSQL.
 */
@Injectable()
export class AgentAliases {
  private readonly cache: TtlCache<string, { version: string; aliases: string[] }>;

  constructor(
    private readonly agents: AgentRepository,
    private readonly directory: AgentDirectoryVersion,
    config: AppConfig,
  ) {
    this.cache = new TtlCache(config.catalogCache.ttlMs);
  }

  async of(orgId: string, idOrName: string): Promise<string[]> {
    const version = await this.directory.current(orgId).catch(() => undefined);
    if (version === undefined) return this.agents.aliases(orgId, idOrName);
    const key = `${orgId}\n${idOrName}`;
    const cached = this.cache.get(key);
    if (cached?.version === version) return cached.aliases;
    const aliases = await this.agents.aliases(orgId, idOrName);
    this.cache.set(key, { version, aliases });
    return aliases;
  }
}
