import { INGEST_MEMORIES_V1, ingestMemoriesV1Schema, MemoryRecord, TraceContext } from '@memtrace/contracts';
import { Job, UnrecoverableError } from 'bullmq';
import { DeadLetterService } from './dead-letter.service';
import { OrgBatcher, PoisonBatchError, RefusedBatchError } from './org-batcher';

/**
 * The BullMQ processor of one org's queue. Each payload is parsed with its versioned contract before
 * use; a job name without a handler, or a payload failing its schema, is dead-lettered (it may come
 * from a newer or broken deploy) instead of crashing the worker or being dropped.
 */
export function ingestProcessor(orgId: string, batcher: OrgBatcher, deadLetters: DeadLetterService) {
  return async (job: Job): Promise<void> => {
    const parsed = parseJob(orgId, job);
    if (typeof parsed === 'string') {
      await deadLetters.park(orgId, job, parsed, 'invalid-payload');
      throw new UnrecoverableError(parsed);
    }
    try {
      // A job taken before (a worker died, or its lock expired) may have written its rows already.
      await batcher.submit(parsed.records, parsed.trace, job.timestamp, job.attemptsStarted > 1 || job.attemptsMade > 0 || job.stalledCounter > 0);
    } catch (error) {
      if (error instanceof PoisonBatchError) {
        await deadLetters.park(orgId, job, `store rejected the rows: ${error.message}`, 'store-rejected');
        throw new UnrecoverableError(error.message);
      }
      if (error instanceof RefusedBatchError) {
        await deadLetters.park(orgId, job, error.message, 'store-refused');
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  };
}

/** The job's rows and trace context, or why it cannot be processed. */
function parseJob(orgId: string, job: Job): { records: MemoryRecord[]; trace?: TraceContext } | string {
  if (job.name !== INGEST_MEMORIES_V1) return `no handler for job name '${job.name}'`;
  const parsed = ingestMemoriesV1Schema.safeParse(job.data);
  if (!parsed.success) return `payload fails ${INGEST_MEMORIES_V1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  if (parsed.data.orgId !== orgId) return `payload of org '${parsed.data.orgId}' found in the queue of '${orgId}'`;
  return { records: parsed.data.memories.map((m) => ({ ...m, orgId })), trace: parsed.data.trace };
}
