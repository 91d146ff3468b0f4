import { AppProcess, createStack, TenantStack } from '@memtrace/testing';
import { waitForAcknowledged, writeMemory } from './ingest-fixtures';

jest.setTimeout(90_000);

/** A slow store must not collect every read of its org: past the bound, an immediate 503 with Retry-After. */
describe('admission control toward the store', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let query: AppProcess;

  beforeAll(async () => {
    stack = await createStack({ env: { MEMTRACE_QUERY_MAX_READS_PER_ORG: '3' } });
    query = await stack.spawn('query');
    gateway = await stack.spawn('gateway');
    await stack.spawn('ingest-worker');
    const written = await writeMemory(gateway, stack.key, 'one memory');
    await waitForAcknowledged(stack, [written]);
  });
  afterAll(() => stack?.close());

  it('admits three concurrent reads of an org to a slow store and sheds the rest at once', async () => {
    await stack.arc.setFaults({ slowMs: 2_000 });
    try {
      const replies = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const reply = await fetch(`${gateway.url()}/api/v1/memories?since=1h`, { headers: { 'x-api-key': stack.key } });
          return { status: reply.status, retryAfter: reply.headers.get('retry-after'), body: (await reply.json()) as { code?: string; memories?: unknown[] } };
        }),
      );
      const admitted = replies.filter((r) => r.status === 200);
      const shed = replies.filter((r) => r.status === 503);
      expect(admitted.length + shed.length).toBe(12);
      expect(admitted.length).toBeGreaterThanOrEqual(3);
      expect(admitted.every((r) => r.body.memories?.length === 1)).toBe(true);
      expect(shed.length).toBeGreaterThan(0);
      expect(shed.every((r) => r.body.code === 'store_busy' && r.retryAfter === '1')).toBe(true);
    } finally {
      await stack.arc.setFaults({ slowMs: 0 });
    }
    const metrics = await (await fetch(`${query.url('metrics')}/metrics`)).text();
    expect(Number(/memtrace_store_reads_shed_total\{org="[^"]+"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
  });
});
