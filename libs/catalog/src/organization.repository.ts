import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

export interface OrganizationRow {
  id: string;
  name: string;
  createdAt: Date;
}

@Injectable()
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { id: string; name: string }, tx: Tx = this.prisma): Promise<OrganizationRow> {
    return tx.organization.create({ data });
  }

  list(): Promise<OrganizationRow[]> {
    return this.prisma.organization.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  get(id: string, tx: Tx = this.prisma): Promise<OrganizationRow | null> {
    return tx.organization.findUnique({ where: { id } });
  }

  count(tx: Tx = this.prisma): Promise<number> {
    return tx.organization.count();
  }

  /** Keys, binding, agents and sessions go with it: the foreign keys cascade inside this statement. */
  async delete(id: string, tx: Tx = this.prisma): Promise<boolean> {
    const { count } = await tx.organization.deleteMany({ where: { id } });
    return count > 0;
  }
}
