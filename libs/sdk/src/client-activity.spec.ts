import { Memtrace, MemtraceError, NotFoundError } from '@memtrace/sdk';

/** A fetch that records each call and answers from a script. */
function scriptedFetch(...replies: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const reply = replies.shift() ?? { status: 200, body: {} };
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const ACTIVITY = {
  agent_id: 'sdr 7',
  since: '2026-02-08T10:00:00Z',
  until: '2026-02-08T12:00:00Z',
  bucket: '1h',
  bucket_seconds: 3600,
  memory_types: ['episodic'],
  buckets: [
    { start: '2026-02-08T10:00:00Z', counts: {}, total: 0, errors: 0 },
    { start: '2026-02-08T11:00:00Z', counts: { episodic: 2 }, total: 2, errors: 1 },
  ],
  total: 2,
  errors: 1,
};

describe('Memtrace.getAgentActivity', () => {
  it('GETs /agents/:id/activity with the id encoded and only the options given, and returns the body', async () => {
    const { calls, fetch } = scriptedFetch({ status: 200, body: ACTIVITY }, { status: 200, body: ACTIVITY });
    const client = new Memtrace('http://memtrace.test', 'mtk_test', { fetch });
    await expect(client.getAgentActivity('sdr 7', { since: '2h', until: '2026-02-08T12:00:00Z', bucket: '5m' })).resolves.toEqual(ACTIVITY);
    await client.getAgentActivity('sdr-7');
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ['GET', 'http://memtrace.test/api/v1/agents/sdr%207/activity?since=2h&until=2026-02-08T12%3A00%3A00Z&bucket=5m'],
      ['GET', 'http://memtrace.test/api/v1/agents/sdr-7/activity'],
    ]);
    expect(calls[0].init.headers).toMatchObject({ 'x-api-key': 'mtk_test' });
    expect(calls[0].init.body).toBeUndefined();
  });

  it('surfaces the 400 of a bad window as the base error with the server message; retries a 503', async () => {
    const { calls, fetch } = scriptedFetch(
      { status: 400, body: { error: "invalid bucket: '2h' is not one of 1m, 5m, 15m, 1h, 6h, 1d", code: 'bad_request' } },
      { status: 503, body: { error: 'the query service is unavailable' } },
      { status: 200, body: ACTIVITY },
      { status: 404, body: { error: 'nope' } },
    );
    const client = new Memtrace('http://memtrace.test', 'mtk_test', { fetch, retryBaseDelay: 1 });
    const refused = client.getAgentActivity('a', { bucket: '2h' as never });
    await expect(refused).rejects.toThrow(MemtraceError);
    await expect(refused).rejects.toMatchObject({ statusCode: 400, message: "invalid bucket: '2h' is not one of 1m, 5m, 15m, 1h, 6h, 1d" });
    await expect(client.getAgentActivity('a')).resolves.toEqual(ACTIVITY);
    expect(calls).toHaveLength(3);
    await expect(client.getAgentActivity('a')).rejects.toThrow(NotFoundError);
    await expect(client.getAgentActivity('')).rejects.toThrow('an id is required');
  });
});

describe('the default fetch', () => {
  it('is the global fetch, called unbound as browsers require (not as a method of the transport)', async () => {
    const original = globalThis.fetch;
    const receivers: unknown[] = [];
    globalThis.fetch = function (this: unknown) {
      receivers.push(this);
      return Promise.resolve(new Response(JSON.stringify(ACTIVITY), { status: 200 }));
    } as typeof fetch;
    try {
      await new Memtrace('http://memtrace.test', 'mtk_test').getAgentActivity('a');
    } finally {
      globalThis.fetch = original;
    }
    expect(receivers).toHaveLength(1);
    expect(receivers[0] === undefined || receivers[0] === globalThis).toBe(true);
  });
});
