import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

export type StoreKind = 'arc' | 'duckdb';
/** Prisma's `Bytes`: a Uint8Array over a plain (not shared) ArrayBuffer. */
export type Bytes = Uint8Array<ArrayBuffer>;

export interface StoreBindingRow {
  id: string;
  orgId: string;
  kind: StoreKind;
  url: string;
  database: string;
  measurement: string;
  tokenCipher: Bytes | null;
  tokenNonce: Bytes | null;
  keyVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type StoreBindingData = Omit<StoreBindingRow, 'createdAt' | 'updatedAt'>;

@Injectable()
export class StoreBindingRepository {
  constructor(private readonly prisma: PrismaService) {}

  get(orgId: string, tx: Tx = this.prisma): Promise<StoreBindingRow | null> {
    return tx.storeBinding.findUnique({ where: { orgId } }) as Promise<StoreBindingRow | null>;
  }

  list(tx: Tx = this.prisma): Promise<StoreBindingRow[]> {
    return tx.storeBinding.findMany({ orderBy: { orgId: 'asc' } }) as Promise<StoreBindingRow[]>;
  }

  /** Replaces the org's binding (one per org) in place. */
  upsert(data: StoreBindingData, tx: Tx = this.prisma): Promise<StoreBindingRow> {
    const { orgId, ...rest } = data;
    return tx.storeBinding.upsert({
      where: { orgId },
      create: { orgId, ...rest },
      update: rest,
    }) as Promise<StoreBindingRow>;
  }

  async updateSeal(
    id: string,
    seal: { tokenCipher: Bytes; tokenNonce: Bytes; keyVersion: number },
    tx: Tx,
  ): Promise<void> {
    await tx.storeBinding.update({ where: { id }, data: seal });
  }

  async delete(orgId: string, tx: Tx = this.prisma): Promise<boolean> {
    const { count } = await tx.storeBinding.deleteMany({ where: { orgId } });
    return count > 0;
  }
}
