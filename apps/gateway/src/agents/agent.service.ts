import { Inject, Injectable } from '@nestjs/common';
import { AgentRepository, isUniqueViolation } from '@memtrace/catalog';
import { AppError, newId } from '@memtrace/contracts';
import { LOGGER } from '@memtrace/observability';
import { AgentDirectoryVersion } from '@memtrace/tenancy';
import type { Logger } from 'pino';
import { CreateAgentRequestDto } from './dto/create-agent.request.dto';
import { AgentWire, toAgentWire } from './agent.mapper';

/** Agent registry in PostgreSQL (upstream §7.7–§7.12), always within the caller's org. */
@Injectable()
export class AgentService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly directory: AgentDirectoryVersion,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(orgId: string, input: CreateAgentRequestDto): Promise<AgentWire> {
    try {
      const fields = { name: input.name, description: input.description ?? undefined, config: input.config ?? undefined };
      const agent = toAgentWire(await this.agents.create({ id: newId('agent'), orgId, ...fields }));
      await this.changed(orgId);
      return agent;
    } catch (error) {
      // Upstream's exact text: the SDK examples fall back to get_agent(name) on this 409.
      if (isUniqueViolation(error)) throw new AppError('conflict', `agent '${input.name}' already exists in this organization`);
      throw error;
    }
  }

  async list(orgId: string): Promise<{ agents: AgentWire[]; count: number }> {
    const agents = (await this.agents.list(orgId)).map(toAgentWire);
    return { agents, count: agents.length };
  }

  async get(orgId: string, idOrName: string): Promise<AgentWire> {
    const row = await this.agents.findByIdOrName(orgId, idOrName);
    if (!row) throw new AppError('not_found', 'agent not found');
    return toAgentWire(row);
  }

  /** By id only, as upstream; the agent's sessions are deleted with it, its memories are kept. */
  async delete(orgId: string, id: string): Promise<void> {
    if (!(await this.agents.delete(orgId, id))) throw new AppError('not_found', 'agent not found');
    await this.changed(orgId);
  }

  /** Starts the erasure of its memories while its name still resolves, then deletes it. */
  async deleteWithMemories<R>(orgId: string, id: string, erase: () => Promise<R>): Promise<R> {
    const agent = await this.agents.findByIdOrName(orgId, id);
    if (!agent || agent.id !== id) throw new AppError('not_found', 'agent not found');
    const receipt = await erase();
    await this.delete(orgId, id);
    return receipt;
  }

  /**
   * Tells the query service's alias caches (`AgentAliases`). Best effort: the change is committed,
   * and without Redis those caches forget it on their TTL (MEMTRACE_AUTH_CACHE_TTL_MS).
   */
  private async changed(orgId: string): Promise<void> {
    await this.directory.bump(orgId).catch((error: Error) => this.logger.warn({ orgId, err: error.message }, 'could not announce an agent registry change'));
  }
}
