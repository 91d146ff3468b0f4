// Every queue of the deployment: its name (a hash tag on a Redis Cluster), BullMQ prefix and job options.
/**
 * The org's ingest queue. BullMQ forbids `:` in queue names; org ids never contain one, but the
 * function guarantees it. On a Redis Cluster (`hashTagged`) the org id is a hash tag, so every key of
 * the queue is in the org's slot (BullMQ's scripts touch several of them at once); a single Redis
 * keeps the untagged names, so its queued jobs stay where they are across upgrades.
 */
export function ingestQueueName(orgId: string, hashTagged = false): string {
  const safe = orgId.replace(/[^A-Za-z0-9_-]/g, '_');
  return hashTagged ? `ingest-{${safe}}` : `ingest-${safe}`;
}

/** The dead-letter queue; tagged on a cluster for the same reason as `ingestQueueName`. */
export function deadLetterQueueName(hashTagged = false): string {
  return hashTagged ? `{${DEAD_LETTER_QUEUE}}` : DEAD_LETTER_QUEUE;
}

/**
 * BullMQ's key prefix for a deployment: queues live under the deployment's Redis prefix too, so
 * deployments (and test suites) sharing one Redis never see each other's jobs.
 */
export function ingestBullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/** The Redis set of orgs that have had an ingest queue: gateways add to it, workers discover from it. */
export function ingestOrgsKey(redisPrefix: string): string {
  return `${redisPrefix}:ingest:orgs`;
}

/** Where jobs that can never succeed (invalid payload, data the store rejects) are parked. */
export const DEAD_LETTER_QUEUE = 'ingest-dead-letter';

/**
 * Options of every ingest job, in one table. Store failures are retried inside the worker with
 * backoff while the job stays active (so nothing is dropped however long an outage lasts); the
 * BullMQ attempts only cover a worker dying mid-job, which re-delivers the job.
 */
export const INGEST_JOB_OPTIONS = {
  /** Re-deliveries after a worker crash or a stalled lock before the job is dead-lettered. */
  attempts: 25,
  backoff: { type: 'exponential', delay: 500 },
  /**
   * Completed jobs kept for inspection (their data is already in the store): few and for an hour,
   * because this is per org and a deployment has thousands of orgs.
   */
  removeOnComplete: { count: 100, age: 3600 },
  /** Failed jobs are copied to the dead-letter queue first; keep a window for debugging. */
  removeOnFail: { count: 5000 },
} as const;

/** The deployment-wide queue of erasures; on a Redis Cluster its keys share one hash tag. */
export function erasureQueueName(hashTagged = false): string {
  return hashTagged ? `{${ERASURE_QUEUE}}` : ERASURE_QUEUE;
}
const ERASURE_QUEUE = 'erasures';

/**
 * Store failures are retried inside the run for as long as they last; BullMQ's attempts cover a
 * worker dying or stopping mid-run (the job is re-delivered once its lock expires, and every step
 * is idempotent) and other failures (PostgreSQL, Redis), at a fixed pace: after about five minutes
 * of those the erasure is given up as failed, rather than pending for days behind an exponential wait.
 */
export const ERASURE_JOB_OPTIONS = {
  attempts: 60,
  backoff: { type: 'fixed', delay: 5_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 1_000 },
} as const;
