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
    const byId = await this.prisma.agent.findFirst({ where: { orgId, id: idOrName } });
    return byId ?? this.prisma.agent.findFirst({ where: { orgId, name: idOrName } });
  }

  exists(orgId: string, id: string): Promise<boolean> {
    return this.prisma.agent.count({ where: { orgId, id } }).then((n) => n > 0);
  }

  /** Deletes by id only; the agent's sessions go with it (foreign key cascade). */
  async delete(orgId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.agent.deleteMany({ where: { orgId, id } });
    return count > 0;
  }

  /**
   * Records the newest activity of agents named in stored memories (a memory's `agent_id` is
   * free-form: it may be a registered agent's id or its name). One statement per batch; it only
   * moves forward, so concurrent workers cannot set it back.
   */
  async touchLastActive(orgId: string, activity: ReadonlyMap<string, Date>): Promise<void> {
    if (activity.size === 0) return;
    const keys = [...activity.keys()];
    const times = keys.map((key) => (activity.get(key) as Date).toISOString());
    await this.prisma.$executeRaw`
      UPDATE agents AS a SET last_active_at = v.at
      FROM (SELECT unnest(${keys}::text[]) AS key, unnest(${times}::timestamptz[]) AS at) AS v
      WHERE a.org_id = ${orgId} AND (a.id = v.key OR a.name = v.key)
        AND (a.last_active_at IS NULL OR a.last_active_at < v.at)`;
  }
}
