import { AppProcess, createStack, RedisProcess, spawnRedis, TenantStack, waitFor } from '@memtrace/testing';
import { waitForAcknowledged, writeMemory } from './ingest-fixtures';

jest.setTimeout(120_000);

/**
 * The first-run banner (design §7: the admin key is printed once to stdout, never to the log
 * stream) is the only output of a server process that is not a log line. A gateway prints it when
 * it starts on a database without orgs; here the CLI has created one before, so normally none does.
 * Should that change, the banner is removed exactly, rule to rule; all else must still be JSON.
 */
function logLines(text: string): string[] {
  const rule = '='.repeat(72);
  const lines = text.split('\n');
  const start = lines.findIndex((line, i) => line === rule && lines[i + 1]?.startsWith('FIRST RUN: '));
  if (start >= 0) {
    const end = lines.indexOf(rule, start + 1);
    lines.splice(start, end - start + 1);
  }
  return lines.filter((line) => line !== '');
}

function notJson(line: string): boolean {
  try {
    return typeof JSON.parse(line) !== 'object';
  } catch {
    return true;
  }
}

/**
 * Log pipelines parse every line of every process. During a Redis and an Arc outage, libraries
 * (ioredis, BullMQ, the store's HTTP client) fail on every retry; what they say must arrive as
 * JSON log lines, not as raw stack traces between them, and once per outage rather than per retry.
 */
describe('log output during Redis and Arc outages', () => {
  let redis: RedisProcess;
  let stack: TenantStack;
  let gateway: AppProcess;
  let worker: AppProcess;
  let servers: Array<[string, AppProcess]>;

  beforeAll(async () => {
    redis = await spawnRedis();
    stack = await createStack({ env: { REDIS_URL: redis.url } });
    const query = await stack.spawn('query');
    gateway = await stack.spawn('gateway');
    worker = await stack.spawn('ingest-worker');
    servers = [['gateway', gateway], ['ingest-worker', worker], ['query', query]];
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  /** Waits for a log line (a liveness bound, not a timing claim); on failure shows what was logged. */
  async function waitForLine(app: AppProcess, pattern: RegExp, what: string) {
    await waitFor(async () => pattern.test(app.stderr()), 30_000, what).catch((error: Error) => {
      throw new Error(`${error.message}\n--- its stderr (end)\n${app.stderr().slice(-4_000)}`);
    });
  }
  const read = () => fetch(`${gateway.url()}/api/v1/memories?since=1h`, { headers: { 'x-api-key': stack.key }, signal: AbortSignal.timeout(10_000) });

  it('every stdout and stderr line of every process is JSON, library errors included', async () => {
    // Before: a queue and a worker exist for the org, so BullMQ's connections are in play.
    const first = await writeMemory(gateway, stack.key, 'before the outage');
    await waitForAcknowledged(stack, [first]);

    // Arc goes down with a write in flight: the worker retries it against a refused connection.
    await stack.arc.setFaults({ down: true });
    const during = await writeMemory(gateway, stack.key, 'written while Arc is down');
    expect(during.status).toBe(201);
    await waitForLine(worker, /"msg":"store write failed; retrying"/, 'the worker to log the Arc outage');
    await read();

    // Then Redis dies too. Each process holds Redis connections (the gateway's queue and cache
    // bus, the worker's BullMQ connections, the query service's hot tier).
    await redis.kill();
    for (const [name, app] of servers) {
      await waitForLine(app, /^(?=.*"msg":"redis connection error")(?=.*ECONNREFUSED)/m, `the ${name} to log the Redis outage`);
    }
    expect((await writeMemory(gateway, stack.key, 'refused while Redis is down')).status).toBe(503);
    await read();
    // Hold both outages over several reconnect attempts of every connection: the worker's store
    // retries (backoff capped at 1 s here) are the clock, so this waits on log lines, not a sleep.
    const retries = () => (worker.stderr().match(/"msg":"store write failed; retrying"/g) ?? []).length;
    const retriesBefore = retries();
    await waitFor(async () => retries() >= retriesBefore + 4, 30_000, 'the worker to retry the store write during the Redis outage');

    await redis.start();
    await stack.arc.setFaults({ down: false });
    for (const [name, app] of servers) {
      await waitForLine(app, /"msg":"redis connection error: recovered"/, `the ${name} to log that Redis is back`);
    }
    await waitForAcknowledged(stack, [during]);
    // Stopped here, so that the shutdown's output is checked too.
    expect(await Promise.all(stack.apps.map((app) => app.stop()))).toEqual(stack.apps.map(() => 0));

    for (const [name, app] of servers) {
      const lines = [...logLines(app.stdout()), ...logLines(app.stderr())];
      expect({ name, notJson: lines.filter(notJson) }).toEqual({ name, notJson: [] });
      const entries = lines.map((line) => JSON.parse(line) as { msg?: string; source?: string });
      // Library errors arrive through the listeners, not through the console catch-all.
      expect({ name, console: entries.filter((e) => e.source === 'console') }).toEqual({ name, console: [] });
      // Once per outage, not once per reconnect attempt of each connection.
      const outageLines = entries.filter((e) => e.msg === 'redis connection error').length;
      expect({ name, outageLines, bounded: outageLines >= 1 && outageLines <= 3 }).toMatchObject({ name, bounded: true });
    }
  });
});
