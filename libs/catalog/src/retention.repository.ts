import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

/** An org's retention: `days` for every memory type without its own rule, and the types' own. */
export interface RetentionRules {
  days: number | null;
  memoryTypes: Record<string, number>;
}

/** Every type without its own rule. */
const ANY_TYPE = '';

@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(orgId: string, tx: Tx = this.prisma): Promise<RetentionRules> {
    return toRules(await tx.orgRetention.findMany({ where: { orgId } }));
  }

  /** Sets (a number) or drops (`null`) the rule of one memory type, or the org-wide one. */
  async set(orgId: string, memoryType: string | undefined, days: number | null, tx: Tx = this.prisma): Promise<RetentionRules> {
    const key = { orgId, memoryType: memoryType ?? ANY_TYPE };
    if (days === null) await tx.orgRetention.deleteMany({ where: key });
    else await tx.orgRetention.upsert({ where: { orgId_memoryType: key }, create: { ...key, days }, update: { days } });
    return this.get(orgId, tx);
  }

  async clear(orgId: string, tx: Tx = this.prisma): Promise<void> {
    await tx.orgRetention.deleteMany({ where: { orgId } });
  }

  /** Every org with a rule, for the retention sweep. */
  async all(): Promise<Map<string, RetentionRules>> {
    const rows = await this.prisma.orgRetention.findMany({ orderBy: { orgId: 'asc' } });
    const byOrg = new Map<string, typeof rows>();
    for (const row of rows) byOrg.set(row.orgId, [...(byOrg.get(row.orgId) ?? []), row]);
    return new Map([...byOrg].map(([orgId, orgRows]) => [orgId, toRules(orgRows)]));
  }
}

function toRules(rows: ReadonlyArray<{ memoryType: string; days: number }>): RetentionRules {
  const rules: RetentionRules = { days: null, memoryTypes: {} };
  for (const row of rows) {
    if (row.memoryType === ANY_TYPE) rules.days = row.days;
    else rules.memoryTypes[row.memoryType] = row.days;
  }
  return rules;
}
