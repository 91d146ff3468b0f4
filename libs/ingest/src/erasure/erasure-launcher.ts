import type { ErasureRepository } from '@memtrace/catalog';
import { AppError, ErasureFilter } from '@memtrace/contracts';
import type { ForgetTombstones } from '../hot-tier/forget-tombstones';
import { ErasureQueue } from './erasure-queue';

/**
 * Sends a recorded erasure on its way, the same for every kind (forget, agent, retention, org):
 * its tombstone first — from then on no matching write still queued lands — then its run, queued
 * for the worker tier. If either step fails the erasure is marked failed, its tombstone removed
 * (writes it would hold back land), and the caller gets a 503.
 */
export class ErasureLauncher {
  constructor(
    private readonly erasures: ErasureRepository,
    private readonly tombstones: ForgetTombstones,
    readonly queue: ErasureQueue,
  ) {}

  async launch(orgId: string, erasureId: string, filter: ErasureFilter): Promise<void> {
    try {
      await this.tombstones.open(orgId, erasureId, filter);
      await this.queue.add({ erasureId, orgId });
    } catch (error) {
      await this.tombstones.remove(orgId, erasureId).catch(() => undefined);
      await this.erasures.fail(erasureId, 'the erasure could not be queued').catch(() => undefined);
      throw new AppError('queue_unavailable', 'the erasure could not be queued', `retry later (${(error as Error).message})`);
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
