import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

/** An org's rate-limit overrides; `null` (or a missing field) keeps the deployment default. */
export interface OrgLimitOverrides {
  requestsPerSecond: number | null;
  memoriesPerSecond: number | null;
  keyRequestsPerSecond: number | null;
  keyMemoriesPerSecond: number | null;
}

export const NO_LIMIT_OVERRIDES: OrgLimitOverrides = {
  requestsPerSecond: null,
  memoriesPerSecond: null,
  keyRequestsPerSecond: null,
  keyMemoriesPerSecond: null,
};

@Injectable()
export class OrgLimitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async get(orgId: string, tx: Tx = this.prisma): Promise<OrgLimitOverrides> {
    const row = await tx.orgLimits.findUnique({ where: { orgId } });
    if (!row) return NO_LIMIT_OVERRIDES;
    const { requestsPerSecond, memoriesPerSecond, keyRequestsPerSecond, keyMemoriesPerSecond } = row;
    return { requestsPerSecond, memoriesPerSecond, keyRequestsPerSecond, keyMemoriesPerSecond };
  }

  /** Sets the fields given (a `null` clears one); the others keep their value. */
  async update(orgId: string, changes: Partial<OrgLimitOverrides>, tx: Tx = this.prisma): Promise<OrgLimitOverrides> {
    await tx.orgLimits.upsert({ where: { orgId }, create: { orgId, ...changes }, update: changes });
    return this.get(orgId, tx);
  }

  async clear(orgId: string, tx: Tx = this.prisma): Promise<void> {
    await tx.orgLimits.deleteMany({ where: { orgId } });
  }
}
