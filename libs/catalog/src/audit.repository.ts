import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, Tx } from './prisma.service';

export interface AuditEntry {
  actor: string;
  orgId?: string | null;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
}

export interface AuditRow extends Omit<AuditEntry, 'detail'> {
  id: bigint;
  at: Date;
  detail: unknown;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(entry: AuditEntry, tx: Tx = this.prisma): Promise<void> {
    await tx.auditEvent.create({
      data: { ...entry, detail: (entry.detail ?? undefined) as Prisma.InputJsonValue | undefined },
    });
  }

  list(filter: { orgId?: string; limit: number }): Promise<AuditRow[]> {
    return this.prisma.auditEvent.findMany({
      where: filter.orgId ? { orgId: filter.orgId } : {},
      orderBy: { id: 'desc' },
      take: filter.limit,
    }) as Promise<AuditRow[]>;
  }
}
