import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry, AuditRepository, AuditRow, isUniqueViolation, PrismaService, Tx } from '@memtrace/catalog';
import { AppError } from '@memtrace/contracts';
import { LOGGER } from '@memtrace/observability';
import type { Logger } from 'pino';
import { Actor } from './actor';

export interface MutationMeta {
  action: string;
  orgId: string | null;
  target: string | null;
  detail?: Record<string, unknown>;
  /** The 409 message when the change hits a unique constraint (a duplicate name). */
  conflict?: string;
}

/**
 * Every control-plane mutation goes through `mutate`: the change and its audit record commit in
 * one transaction, and a failed attempt is recorded too (outside the rolled-back transaction), with
 * a client-safe reason. A change that finds nothing to change throws inside the transaction, so it
 * is recorded as failed, never as a success.
 */
@Injectable()
export class AuditService {
  /** Errors `mutate` recorded already, so that the refusal listener does not record them twice. */
  private readonly recordedFailures = new WeakSet<object>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async mutate<T>(actor: Actor, meta: MutationMeta, change: (tx: Tx) => Promise<T>): Promise<T> {
    const entry = { actor: actor.label, orgId: meta.orgId, action: meta.action, target: meta.target };
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          const result = await change(tx);
          await this.audit.record({ ...entry, outcome: 'ok', detail: meta.detail }, tx);
          return result;
        },
        { timeout: 60_000 },
      );
    } catch (caught) {
      const error = meta.conflict && isUniqueViolation(caught) ? new AppError('conflict', meta.conflict) : caught;
      const reason = error instanceof AppError ? error.message : 'internal error';
      await this.audit.record({ ...entry, outcome: 'failed', detail: { ...meta.detail, error: reason } }).catch(() => undefined);
      if (typeof error === 'object' && error !== null) this.recordedFailures.add(error);
      throw error;
    }
  }

  /** True when `error` came out of `mutate`, which has recorded the attempt as failed. */
  hasRecorded(error: unknown): boolean {
    return typeof error === 'object' && error !== null && this.recordedFailures.has(error);
  }

  /** A refused request (see `toRefusalEntry`). The trail must not lose one silently: a failed write is logged. */
  async refused(entry: AuditEntry): Promise<void> {
    await this.audit.record(entry).catch((error: Error) => {
      this.logger.error({ actor: entry.actor, action: entry.action, target: entry.target, err: error.message }, 'could not record a refused admin request');
    });
  }

  list(filter: { orgId?: string; limit: number }): Promise<AuditRow[]> {
    return this.audit.list(filter);
  }
}
