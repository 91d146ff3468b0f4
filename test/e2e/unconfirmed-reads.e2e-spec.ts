import { AppProcess, createStack, httpRequest, TenantStack } from '@memtrace/testing';

jest.setTimeout(60_000);

/**
 * Reads while many acknowledged memories are not in Arc yet (no worker runs, so all of them wait
 * in the hot tier). Aggregates ask Arc which hot rows it already shows; an `id IN (…)` of hundreds
 * of ids was over Arc's 10,000-character SQL limit, and stats answered with the store's 400.
 */
describe('reads over hundreds of unconfirmed memories (gateway, query, Arc double; no worker)', () => {
  let stack: TenantStack;
  let gateway: AppProcess;

  beforeAll(async () => {
    stack = await createStack();
    [gateway] = await Promise.all([stack.spawn('gateway'), stack.spawn('query')]);
  });
  afterAll(() => stack?.close());

  it('counts every unconfirmed memory in stats, activity and lists', async () => {
    const memories = Array.from({ length: 400 }, (_, i) => ({ agent_id: 'agent_busy', content: `queued ${i}`, memory_type: i % 2 ? 'episodic' : 'decision' }));
    const written = await httpRequest(gateway, 'POST', '/api/v1/memories', { key: stack.key, json: { memories } });
    expect(written).toMatchObject({ status: 201, body: { count: 400 } });

    const stats = await httpRequest(gateway, 'GET', '/api/v1/agents/agent_busy/stats', { key: stack.key });
    expect(stats).toMatchObject({ status: 200, body: { memory_count: 400, memory_types: { episodic: 200, decision: 200 } } });
    const activity = await httpRequest(gateway, 'GET', '/api/v1/agents/agent_busy/activity?since=1h', { key: stack.key });
    expect(activity.status).toBe(200);
    expect(activity.body.total).toBe(400);
    const listed = await httpRequest(gateway, 'GET', '/api/v1/memories?agent_id=agent_busy&limit=1000', { key: stack.key });
    expect(listed).toMatchObject({ status: 200, body: { count: 400 } });
  });
});
