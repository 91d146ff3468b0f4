import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Context, context } from '@opentelemetry/api';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { DedupService } from './dedup.service';
import { Admission, WriteAdmission } from './write-admission';
import { linkTo, LOGGER, tracingEnabled } from '@memtrace/observability';
import { RedisService } from '@memtrace/redis';
import { HotTier } from '../hot-tier/hot-tier';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { IngestProducer } from './ingest.producer';

/** One request's place in a group. */
interface Member {
  admissions: readonly Admission[];
  requestId: string;
  trace: Context;
  resolve(accepted: boolean[]): void;
  reject(error: unknown): void;
}

interface Group {
  members: Member[];
  memories: number;
  timer: NodeJS.Immediate | NodeJS.Timeout;
}

/**
 * Group commit: the write requests of one org that reach this gateway together share one
 * admission script (dedup claims and hot-tier rows) and one job, instead of a few Redis commands
 * and a job each. A group closes at the end of the event loop's turn (or after
 * `MEMTRACE_WRITE_GROUP_WINDOW_MS`), or when it holds `MEMTRACE_WRITE_GROUP_MAX_MEMORIES`; no
 * request is answered before its group is durable, and a failed group leaves nothing behind and
 * fails each of its requests with a 503. Duplicates within a group resolve as across groups: the
 * first in arrival order wins.
 */
@Injectable()
export class WriteGroups implements OnModuleDestroy {
  private readonly open = new Map<string, Group>();
  private readonly admission: WriteAdmission;
  private readonly windowMs: number;
  private readonly maxMemories: number;

  constructor(
    config: AppConfig,
    redis: RedisService,
    dedup: DedupService,
    hotTier: HotTier,
    private readonly producer: IngestProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.admission = new WriteAdmission(redis, dedup, hotTier, dedup.windowSeconds);
    this.windowMs = config.writes.groupWindowMs;
    this.maxMemories = config.writes.groupMaxMemories;
  }

  /**
   * Resolves, per admission, whether it was accepted (false: a duplicate), once the accepted ones
   * are in the hot tier and queued; rejects with a 503 when that failed (nothing then stays).
   */
  submit(orgId: string, admissions: readonly Admission[], requestId: string): Promise<boolean[]> {
    return new Promise((resolve, reject) => {
      const member: Member = { admissions, requestId, trace: context.active(), resolve, reject };
      let group = this.open.get(orgId);
      if (group && group.memories + admissions.length > this.maxMemories) {
        void this.close(orgId);
        group = undefined;
      }
      if (!group) {
        const close = () => void this.close(orgId);
        group = { members: [], memories: 0, timer: this.windowMs > 0 ? setTimeout(close, this.windowMs) : setImmediate(close) };
        this.open.set(orgId, group);
      }
      group.members.push(member);
      group.memories += admissions.length;
      if (group.memories >= this.maxMemories) void this.close(orgId);
    });
  }

  /** Commits the groups still open (a gateway stopping answers the requests it holds). */
  async onModuleDestroy() {
    await Promise.all([...this.open.keys()].map((orgId) => this.close(orgId)));
  }

  private close(orgId: string): Promise<void> {
    const group = this.open.get(orgId);
    if (!group) return Promise.resolve();
    this.open.delete(orgId);
    clearImmediate(group.timer as NodeJS.Immediate);
    clearTimeout(group.timer as NodeJS.Timeout);
    return this.commit(orgId, group.members);
  }

  private async commit(orgId: string, members: readonly Member[]): Promise<void> {
    const all = members.flatMap((m) => m.admissions);
    let accepted: boolean[];
    try {
      accepted = await this.admission.run(orgId, all);
      const admitted = all.filter((_, i) => accepted[i]);
      if (admitted.length > 0) await this.enqueue(orgId, members, admitted);
    } catch (error) {
      this.logger.error({ orgId, reqIds: members.map((m) => m.requestId), err: (error as Error).message }, 'could not queue a write');
      // Whatever part of the group reached Redis goes: undo releases only claims these ids hold.
      await this.admission.undo(orgId, all);
      for (const member of members) member.reject(queueUnavailable());
      return;
    }
    let offset = 0;
    for (const member of members) {
      member.resolve(accepted.slice(offset, offset + member.admissions.length));
      offset += member.admissions.length;
    }
  }

  private enqueue(orgId: string, members: readonly Member[], admitted: readonly Admission[]): Promise<void> {
    const memories = admitted.map((a) => a.record);
    const payload = { v: 1 as const, orgId, requestId: members[0].requestId, memories };
    const origin = tracingEnabled() ? { parent: members[0].trace, links: members.slice(1).flatMap((m) => linkTo(m.trace) ?? []) } : undefined;
    return this.producer.enqueue(payload, jobIdOf(members, memories.map((m) => m.id)), origin);
  }
}

/**
 * A job of one request is named by its first memory, so a retry of that request (a keyed retry
 * names the same ids) adds nothing. A group's job is named by all its ids: a retried request that
 * opens another group must not share a name with an earlier job, or BullMQ would drop the group.
 */
function jobIdOf(members: readonly Member[], ids: readonly string[]): string {
  if (members.length === 1) return ids[0];
  return `g-${createHash('sha256').update(ids.join(',')).digest('base64url').slice(0, 32)}`;
}

export function queueUnavailable(): AppError {
  return new AppError('queue_unavailable', 'could not queue the write; nothing was stored', 'retry shortly; the queue (Redis) is unreachable');
}
