import { Injectable } from '@nestjs/common';
import { ErasureFilter, erasureFilterSchema, ErasureKind, ErasureReceipt, ErasureStatus } from '@memtrace/contracts';
import { Prisma, PrismaService, Tx } from './prisma.service';

export interface ErasureRow {
  id: string;
  orgId: string;
  kind: ErasureKind;
  filter: ErasureFilter;
  dryRun: boolean;
  status: ErasureStatus;
  matched: number | null;
  erased: number;
  error: string | null;
  actor: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface NewErasure {
  id: string;
  orgId: string;
  kind: ErasureKind;
  filter: ErasureFilter;
  dryRun: boolean;
  actor: string;
}

/**
 * Erasures and their receipts. The runner's updates are written so that running a step twice (a
 * re-delivered job after a crash) leaves the same row: `start` keeps the first start time, `finish`
 * and `fail` only move a row that is not finished yet.
 */
@Injectable()
export class ErasureRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(erasure: NewErasure, outcome?: { matched: number; at: Date }, tx: Tx = this.prisma): Promise<ErasureRow> {
    const row = await tx.erasure.create({
      data: {
        ...erasure,
        filter: erasure.filter as Prisma.InputJsonValue,
        ...(outcome ? { status: 'done', matched: outcome.matched, startedAt: outcome.at, finishedAt: outcome.at } : {}),
      },
    });
    return toRow(row);
  }

  /**
   * Creates the erasure unless the org has one of the same kind, not finished, that `overlaps`:
   * however many sweeps run at once (a slow one overlapping the next), an org has one retention
   * erasure per rule at a time, and two concurrent org deletions start one erasure. In `outer`, a
   * transaction of the caller's, when given.
   */
  async createUnlessOpen(erasure: NewErasure, overlaps: (open: ErasureFilter) => boolean, outer?: Tx): Promise<ErasureRow | undefined> {
    const inTx = async (tx: Tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`erasure:${erasure.kind}:${erasure.orgId}`}))`;
      const open = await tx.erasure.findMany({ where: { orgId: erasure.orgId, kind: erasure.kind, status: { in: ['pending', 'running'] } } });
      if (open.some((row) => overlaps(toRow(row).filter))) return undefined;
      return toRow(await tx.erasure.create({ data: { ...erasure, filter: erasure.filter as Prisma.InputJsonValue } }));
    };
    return outer ? inTx(outer) : this.prisma.$transaction(inTx);
  }

  /** The org's erasure of `kind` that has not finished, if any. */
  async open(orgId: string, kind: ErasureKind, tx: Tx = this.prisma): Promise<ErasureRow | undefined> {
    const row = await tx.erasure.findFirst({ where: { orgId, kind, status: { in: ['pending', 'running'] } } });
    return row ? toRow(row) : undefined;
  }

  /** The org's erasure; another org's is as absent as an unknown one. */
  async get(orgId: string, id: string): Promise<ErasureRow | undefined> {
    const row = await this.prisma.erasure.findFirst({ where: { id, orgId } });
    return row ? toRow(row) : undefined;
  }

  /** Marks it running; the first start time and the first count of what matched stay. */
  async start(erasure: ErasureRow, matched: number): Promise<void> {
    await this.prisma.erasure.updateMany({
      where: { id: erasure.id, status: { in: ['pending', 'running'] } },
      data: { status: 'running', startedAt: erasure.startedAt ?? new Date(), matched: erasure.matched ?? matched },
    });
  }

  async addErased(id: string, count: number): Promise<void> {
    if (count > 0) await this.prisma.erasure.update({ where: { id }, data: { erased: { increment: count } } });
  }

  /** Done at `at`; `also` runs in the same transaction (the audit event of the receipt). */
  async finish(id: string, at: Date, also?: (tx: Tx) => Promise<void>): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.erasure.updateMany({ where: { id, status: { in: ['pending', 'running'] } }, data: { status: 'done', finishedAt: at } });
      if (count > 0) await also?.(tx);
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.prisma.erasure.updateMany({ where: { id, status: { in: ['pending', 'running'] } }, data: { status: 'failed', error, finishedAt: new Date() } });
  }
}

type Stored = Prisma.ErasureGetPayload<object>;

function toRow(row: Stored): ErasureRow {
  return { ...row, kind: row.kind as ErasureKind, status: row.status as ErasureStatus, filter: erasureFilterSchema.parse(row.filter) };
}

/** The receipt as the API answers it. */
export function toErasureReceipt(row: ErasureRow): ErasureReceipt {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    dry_run: row.dryRun,
    matched: row.matched,
    erased: row.erased,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    ...(row.error ? { error: row.error } : {}),
  };
}
