import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

export interface ApiKeyRow {
  id: number;
  orgId: string;
  name: string;
  keyHash: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    data: { orgId: string; name: string; keyHash: string; scopes: string[]; expiresAt?: Date | null },
    tx: Tx = this.prisma,
  ): Promise<ApiKeyRow> {
    return tx.apiKey.create({ data });
  }

  listByOrg(orgId: string): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({ where: { orgId }, orderBy: { id: 'asc' } });
  }

  get(id: number, tx: Tx = this.prisma): Promise<ApiKeyRow | null> {
    return tx.apiKey.findUnique({ where: { id } });
  }

  findByHash(keyHash: string): Promise<ApiKeyRow | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash } });
  }

  /** Marks the key revoked (kept for the audit trail); returns null when it does not exist. */
  async revoke(id: number, at: Date, tx: Tx = this.prisma): Promise<ApiKeyRow | null> {
    const { count } = await tx.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    if (count === 0) return null;
    return tx.apiKey.findUnique({ where: { id } });
  }

  /** Revokes every live key of the org (an org being deleted); returns how many. */
  async revokeAll(orgId: string, at: Date, tx: Tx = this.prisma): Promise<number> {
    const { count } = await tx.apiKey.updateMany({ where: { orgId, revokedAt: null }, data: { revokedAt: at } });
    return count;
  }

  async touchLastUsed(id: number, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
}
