import { randomBytes } from 'node:crypto';
import { ErrorThrottle, Metrics } from '@memtrace/observability';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { waitFor } from '@memtrace/testing';
import { ingestBullPrefix, ingestQueueName, INGEST_JOB_OPTIONS } from '../queues/ingest-queue';
import { ConsumerDeps, OrgConsumer } from './org-consumer';
import { OrgBatcher } from './org-batcher';

const ORG = 'org_a';
const LOCK_MS = 1_000;
const logger = pino({ level: 'silent' });

/** A batcher that is never given rows: the consumer only asks whether it is idle and closes it. */
function idleBatcher(): OrgBatcher {
  const settings = { batchRows: 10, batchMs: 1, retryBaseMs: 1, retryMaxDelayMs: 1, confirmTimeoutMs: 100, refusedWriteAttempts: 1 };
  return new OrgBatcher(ORG, settings, { metrics: new Metrics(), logger } as unknown as ConstructorParameters<typeof OrgBatcher>[2]);
}

/** Resolves when `count` calls were made, with their arguments. */
function recorder<A extends unknown[]>(count: number) {
  const calls: A[] = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  const fn = async (...args: A) => {
    calls.push(args);
    if (calls.length === count) done();
  };
  return { calls, reached, fn };
}

describe('OrgConsumer (real Redis, real BullMQ queue, manual processing on one shared connection)', () => {
  const prefix = `t_${randomBytes(6).toString('hex')}`;
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const client = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(ingestQueueName(ORG), { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix: ingestBullPrefix(prefix) });
  const consumers: OrgConsumer[] = [];

  function consumer(deps: Partial<ConsumerDeps>, maxInFlightJobs = 100): OrgConsumer {
    const created = new OrgConsumer(
      ORG,
      idleBatcher(),
      { redisPrefix: prefix, hashTagged: false, lockMs: LOCK_MS, maxInFlightJobs },
      { client, logger, errors: new ErrorThrottle(logger, 'test'), process: async () => undefined, onFailed: async () => undefined, ...deps },
    );
    consumers.push(created);
    return created;
  }

  const add = (rows: number, n: number) =>
    queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'ingest.memories.v1', data: { memories: Array.from({ length: rows }, () => ({})), n: i }, opts: { ...INGEST_JOB_OPTIONS } })));

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.close(true)));
    await queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await queue.close();
    await queue.disconnect();
    await client.quit();
  });

  it('takes waiting jobs until the row budget is spent, completes those it processed, and says when the queue is drained', async () => {
    await add(4, 5); // 20 rows
    const processed = recorder<[Job]>(5);
    const org = consumer({ process: processed.fn });

    const first = await org.pull(10);
    expect(first).toEqual({ jobs: 3, drained: false, full: false }); // 12 rows: the budget is checked before each job
    const second = await org.pull(10);
    expect(second).toEqual({ jobs: 2, drained: true, full: false });
    await processed.reached;
    await org.close();
    expect(await queue.getJobCounts('wait', 'active', 'completed')).toEqual({ wait: 0, active: 0, completed: 5 });
    expect(org.idle).toBe(true);
  });

  it('holds at most its in-flight cap of one org\'s jobs; the rest stay in Redis', async () => {
    await add(1, 5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const org = consumer({ process: () => held }, 2);

    expect(await org.pull(100)).toEqual({ jobs: 2, drained: false, full: true });
    expect(org.heldJobs).toBe(2);
    expect(org.idle).toBe(false);
    expect(await queue.getJobCounts('wait', 'active')).toEqual({ wait: 3, active: 2 });
    release();
    await org.close();
    expect(org.heldJobs).toBe(0);
  });

  it('reports a failure as retried later, and an unrecoverable one or the last attempt as final', async () => {
    await queue.add('ingest.memories.v1', { memories: [{}] }, { ...INGEST_JOB_OPTIONS, jobId: 'retried' });
    await queue.add('ingest.memories.v1', { memories: [{}] }, { ...INGEST_JOB_OPTIONS, jobId: 'poison' });
    await queue.add('ingest.memories.v1', { memories: [{}] }, { ...INGEST_JOB_OPTIONS, attempts: 1, jobId: 'last' });
    const failed = recorder<[Job, Error, boolean]>(3);
    const org = consumer({
      process: async (job) => {
        throw job.id === 'poison' ? new UnrecoverableError('never') : new Error('store down');
      },
      onFailed: failed.fn,
    });

    await org.pull(100);
    await failed.reached;
    const finals = Object.fromEntries(failed.calls.map(([job, error, final]) => [job.id, { final, error: error.message }]));
    expect(finals).toEqual({ retried: { final: false, error: 'store down' }, poison: { final: true, error: 'never' }, last: { final: true, error: 'store down' } });
    await org.close();
    // The retry waits out its backoff in the delayed set; the other two failed for good.
    expect(await queue.getJobCounts('delayed', 'failed')).toEqual({ delayed: 1, failed: 2 });
  });

  it('gives the jobs of a consumer that died holding them back to the queue once their lock expired', async () => {
    await add(1, 3);
    const dead = consumer({ process: () => new Promise(() => undefined) });
    await dead.pull(100);
    await dead.close(true); // as kill -9: no completion, and its lock renewals stop
    expect(await queue.getJobCounts('wait', 'active')).toEqual({ wait: 0, active: 3 });

    const processed = recorder<[Job]>(3);
    const next = consumer({ process: processed.fn });
    // The first check marks the active jobs; one a lock period later (a check runs at most once
    // per lock period) moves those whose lock expired.
    await waitFor(
      async () => {
        await next.checkStalled();
        return (await queue.getJobCounts('active')).active === 0;
      },
      10 * LOCK_MS,
      'the dead consumer\'s jobs back in the queue',
      50,
    );
    expect(await queue.getJobCounts('wait', 'active')).toEqual({ wait: 3, active: 0 });
    await next.pull(100);
    await processed.reached;
    await next.close();
    expect(processed.calls.map(([job]) => job.attemptsStarted).every((n) => n >= 2)).toBe(true);
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 3 });
  });
});
