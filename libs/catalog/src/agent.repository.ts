import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, Tx } from './prisma.service';

export interface AgentRow {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  config: Prisma.JsonValue | null;
  createdAt: Date;
  lastActiveAt: Date | null;
}

/**
 * The agent ids that mean the same agent as `idOrName`: itself and, when it is a registered agent's
 * id or name (`agent`), that agent's id and name. Sessions and memories carry a free-form agent id,
 * so everything keyed by an agent matches any of these.
 */
export function agentAliases(idOrName: string, agent: Pick<AgentRow, 'id' | 'name'> | null): string[] {
  return agent ? [...new Set([idOrName, agent.id, agent.name])] : [idOrName];
}

/** Registered agents; every method is scoped by org, so no caller can reach another tenant's rows. */
@Injectable()
export class AgentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws Prisma's unique violation (see `isUniqueViolation`) when the name is taken in the org. */
  create(data: { id: string; orgId: string; name: string; description?: string; config?: Record<string, unknown> }, tx: Tx = this.prisma): Promise<AgentRow> {
    return tx.agent.create({ data: { ...data, config: data.config as Prisma.InputJsonValue | undefined } });
  }

  /** Newest first, as upstream. */
  list(orgId: string): Promise<AgentRow[]> {
    return this.prisma.agent.findMany({ where: { orgId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /** By id or, failing that, by name (upstream's `GET /agents/:id`). */
  async findByIdOrName(orgId: string, idOrName: string): Promise<AgentRow | null> {
    // One round trip; an id match wins over another agent that has the same text as its name.
    const matches = await this.prisma.agent.findMany({ where: { orgId, OR: [{ id: idOrName }, { name: idOrName }] }, take: 2 });
    return matches.find((agent) => agent.id === idOrName) ?? matches[0] ?? null;
  }

  /** `agentAliases` of `idOrName`, looked up in the org. */
  async aliases(orgId: string, idOrName: string): Promise<string[]> {
    return agentAliases(idOrName, await this.findByIdOrName(orgId, idOrName));
  }

  /** Deletes by id only, with the sessions created under its id or its name, in one transaction. */
  delete(orgId: string, id: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const agent = await tx.agent.findFirst({ where: { orgId, id } });
      if (!agent) return false;
      await tx.session.deleteMany({ where: { orgId, agentId: { in: [agent.id, agent.name] } } });
      await tx.agent.delete({ where: { id: agent.id } });
      return true;
    });
  }

  /**
   * Records the newest activity of agents named in stored memories (a memory's `agent_id` is
   * free-form: it may be a registered agent's id or its name), for any number of orgs in one
   * statement. It only moves forward, so concurrent workers cannot set it back.
   */
  async touchLastActive(activity: ReadonlyArray<{ orgId: string; agentKey: string; at: Date }>): Promise<void> {
    if (activity.length === 0) return;
    const orgs = activity.map((a) => a.orgId);
    const keys = activity.map((a) => a.agentKey);
    const times = activity.map((a) => a.at.toISOString());
    await this.prisma.$executeRaw`
      UPDATE agents AS a SET last_active_at = v.at
      FROM (SELECT unnest(${orgs}::text[]) AS org, unnest(${keys}::text[]) AS key, unnest(${times}::timestamptz[]) AS at) AS v
      WHERE a.org_id = v.org AND (a.id = v.key OR a.name = v.key)
        AND (a.last_active_at IS NULL OR a.last_active_at < v.at)`;
  }
}
