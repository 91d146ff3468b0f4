import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, Tx } from './prisma.service';

export interface SessionRow {
  id: string;
  orgId: string;
  agentId: string;
  status: string;
  metadata: Prisma.JsonValue | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface SessionCounts {
  total: number;
  active: number;
}

/** Agent sessions; every method is scoped by org. */
@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; orgId: string; agentId: string; metadata?: Record<string, unknown>; at: Date }, tx: Tx = this.prisma): Promise<SessionRow> {
    const { at, metadata, ...rest } = data;
    return tx.session.create({ data: { ...rest, metadata: metadata as Prisma.InputJsonValue | undefined, createdAt: at, updatedAt: at } });
  }

  /** Newest first, optionally only those created under one of `agentIds` (an agent's aliases). */
  list(orgId: string, agentIds?: readonly string[]): Promise<SessionRow[]> {
    return this.prisma.session.findMany({
      where: agentIds === undefined ? { orgId } : { orgId, agentId: { in: [...agentIds] } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  get(orgId: string, id: string, tx: Tx = this.prisma): Promise<SessionRow | null> {
    return tx.session.findFirst({ where: { orgId, id } });
  }

  /**
   * Sets status and merges metadata in one transaction (a read-modify-write of the JSON object);
   * null when the session does not exist in the org.
   */
  update(orgId: string, id: string, change: { status?: string; metadata?: Record<string, unknown>; at: Date }): Promise<SessionRow | null> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.session.findFirst({ where: { orgId, id } });
      if (!current) return null;
      const data: Prisma.SessionUpdateInput = { updatedAt: change.at };
      if (change.status) data.status = change.status;
      if (change.status === 'closed' && !current.closedAt) data.closedAt = change.at;
      if (change.metadata !== undefined) {
        const previous = isObject(current.metadata) ? current.metadata : {};
        data.metadata = { ...previous, ...change.metadata } as Prisma.InputJsonValue;
      }
      return tx.session.update({ where: { id }, data });
    });
  }

  /** Sessions created under any of `agentIds` (an agent's aliases). */
  async countByAgent(orgId: string, agentIds: readonly string[]): Promise<SessionCounts> {
    const agentId = { in: [...agentIds] };
    const [total, active] = await Promise.all([
      this.prisma.session.count({ where: { orgId, agentId } }),
      this.prisma.session.count({ where: { orgId, agentId, status: 'active' } }),
    ]);
    return { total, active };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
