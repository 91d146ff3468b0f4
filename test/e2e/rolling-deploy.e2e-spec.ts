import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { ClientProxy, ClientProxyFactory, ServerTCP, Transport } from '@nestjs/microservices';
import { LEGACY_READ_PATTERNS, QUERY_PATTERNS } from '@memtrace/contracts';
import { signedJsonSocket } from '@memtrace/tenancy';
import { AppProcess, createStack, httpRequest, HttpResult, TenantStack, waitFor } from '@memtrace/testing';
import { firstValueFrom } from 'rxjs';
import { writeMemory } from './ingest-fixtures';

jest.setTimeout(120_000);

/**
 * A query process of the previous release, as far as a gateway can tell: it serves the raw-input
 * read patterns (v1) and nothing newer, so Nest's TCP server answers "no handler" to a v2 read.
 * It answers v1 by handing the message on, unchanged, to a real query process of this release
 * (whose v1 handlers are what a gateway of the previous release talks to), and records each one.
 */
class PreviousReleaseQuery {
  readonly received: Array<{ pattern: string; data: Record<string, unknown> }> = [];
  private readonly server: ServerTCP;
  private readonly upstream: ClientProxy;

  constructor(secret: string, upstreamPort: number) {
    const socketClass = signedJsonSocket({ secret, maxFrameBytes: 1024 * 1024, onRefused: () => undefined });
    this.upstream = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: upstreamPort, socketClass } });
    this.server = new ServerTCP({ host: '127.0.0.1', port: 0, socketClass });
    const served = [...Object.values(LEGACY_READ_PATTERNS), QUERY_PATTERNS.getMemory, QUERY_PATTERNS.existingIds];
    for (const pattern of served) {
      this.server.addHandler(pattern, async (data: Record<string, unknown>) => {
        this.received.push({ pattern, data });
        return firstValueFrom(this.upstream.send(pattern, data));
      });
    }
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => this.server.listen((error) => (error ? reject(error as Error) : resolve())));
    const server = this.server.unwrap<Server>();
    if (!server.listening) await once(server, 'listening');
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.upstream.close();
  }
}

/** What a client sees of a read: status and body, without what differs between two identical requests. */
function seen(result: HttpResult) {
  const { query_time_ms: _time, id: _id, created_at: _created, started_at: _started, finished_at: _finished, ...body } = (result.body ?? {}) as Record<string, unknown>;
  return { status: result.status, body: result.contentType?.includes('ndjson') ? result.text : body };
}

const SINCE = '2026-01-01T00:00:00Z';
/** Every read route whose request the RPC now carries parsed, with good and bad input. */
const READS: Array<[string, string, string, unknown?]> = [
  ['list, filtered', 'GET', `/api/v1/memories?agent_id=deploy-bot&tags=blue&since=${SINCE}&order=asc`],
  ['list, a page', 'GET', `/api/v1/memories?since=${SINCE}&limit=2&offset=1&order=asc`],
  ['list, bad since', 'GET', '/api/v1/memories?since=yesterday'],
  ['list, bad limit', 'GET', '/api/v1/memories?limit=0'],
  ['agent memories', 'GET', `/api/v1/agents/deploy-bot/memories?since=${SINCE}&order=asc`],
  ['agent memories, bad id', 'GET', '/api/v1/agents/bad%20id/memories'],
  ['session memories', 'GET', `/api/v1/sessions/deploy-s1/memories?since=${SINCE}&order=asc`],
  ['search', 'POST', '/api/v1/search', { content_contains: 'refund', since: SINCE, order: 'asc' }],
  ['search, bad body', 'POST', '/api/v1/search', { limit: 'ten' }],
  ['session context', 'POST', '/api/v1/sessions/deploy-s1/context', { since: '720h', max_tokens: 500 }],
  ['agent context', 'POST', '/api/v1/agents/deploy-bot/context', null],
  ['activity', 'GET', `/api/v1/agents/deploy-bot/activity?since=${SINCE}&until=2030-01-01T00:00:00Z&bucket=1d`],
  ['activity, too many buckets', 'GET', '/api/v1/agents/deploy-bot/activity?since=365d&bucket=1m'],
  ['forget, dry run', 'POST', '/api/v1/memories/forget', { agent_id: 'deploy-bot', dry_run: true }],
  ['forget, no filter', 'POST', '/api/v1/memories/forget', {}],
  ['export', 'GET', `/api/v1/export?agent_id=deploy-bot&since=${SINCE}`],
];

/**
 * Gateways and query processes are deployed in any order (design §6): a gateway of this release in
 * front of a query process of the previous one falls back to the v1 patterns, and a query process
 * of this release still answers them for gateways of the previous release. Both paths must answer
 * every read exactly as a gateway and a query process of this release do together.
 */
describe('rolling deploy: this gateway, the previous query release', () => {
  let stack: TenantStack;
  let current: AppProcess;
  let mixed: AppProcess;
  let previous: PreviousReleaseQuery;

  beforeAll(async () => {
    stack = await createStack({ start: { queries: 1, worker: true, gateways: 1 } });
    current = stack.gateway;
    const writes = [
      { content: 'refund issued for order 1', session_id: 'deploy-s1', tags: ['blue'] },
      { content: 'customer asked about refund policy', session_id: 'deploy-s1', tags: ['blue', 'green'], memory_type: 'decision' },
      { content: 'escalated to tier 2', session_id: 'deploy-s2', event_type: 'error' },
    ];
    for (const extra of writes) expect((await writeMemory(current, stack.key, extra.content, { agent_id: 'deploy-bot', ...extra })).status).toBe(201);
    await waitFor(
      async () => (await httpRequest(current, 'GET', `/api/v1/memories?agent_id=deploy-bot&since=${SINCE}`, { key: stack.key })).body?.count === 3,
      30_000,
      'the three memories through the gateway',
    );
    previous = new PreviousReleaseQuery(stack.env.env.MEMTRACE_INTERNAL_SECRET, Number(stack.env.env.MEMTRACE_QUERY_PORT));
    mixed = await stack.spawn('gateway', { MEMTRACE_QUERY_ADDRESSES: await previous.start() });
  });
  afterAll(async () => {
    await stack?.close();
    await previous?.close();
  });

  // A rest parameter: jest takes a test function with more parameters than its row as one awaiting `done`.
  it.each(READS)('%s: answers as this release does', async (...row) => {
    const [, method, path, json] = row;
    const sent = previous.received.length;
    const options = { key: stack.key, ...(json !== undefined ? { json } : {}) };
    const expected = seen(await httpRequest(current, method, path, options));
    const answer = seen(await httpRequest(mixed, method, path, options));
    expect(answer).toEqual(expected);
    // A bad request is refused at the gateway, before any RPC; a good one reached the old process as v1.
    const fellBack = previous.received.slice(sent);
    if (expected.status >= 400) expect(fellBack).toEqual([]);
    else expect(fellBack.length).toBeGreaterThan(0);
    for (const message of fellBack) expect(Object.values(LEGACY_READ_PATTERNS)).toContain(message.pattern);
  });

  it('hands the previous release the request as the client sent it (raw query string, JSON body)', async () => {
    const sent = previous.received.length;
    await httpRequest(mixed, 'GET', '/api/v1/memories?agent_id=deploy-bot&since=2h&tags=blue,green', { key: stack.key });
    await httpRequest(mixed, 'POST', '/api/v1/search', { key: stack.key, json: { content_contains: 'refund' } });
    expect(previous.received.slice(sent)).toEqual([
      { pattern: 'query.list-memories.v1', data: expect.objectContaining({ orgId: stack.orgId, params: { agent_id: 'deploy-bot', since: '2h', tags: 'blue,green' } }) },
      { pattern: 'query.search-memories.v1', data: expect.objectContaining({ orgId: stack.orgId, body: { content_contains: 'refund' } }) },
    ]);
  });

  it('a query process of this release validates a raw v1 read as the gateway would (a gateway of the previous release sends no parsed fields)', async () => {
    const socketClass = signedJsonSocket({ secret: stack.env.env.MEMTRACE_INTERNAL_SECRET, maxFrameBytes: 1024 * 1024, onRefused: () => undefined });
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: Number(stack.env.env.MEMTRACE_QUERY_PORT), socketClass } });
    try {
      const refused = await firstValueFrom(client.send(LEGACY_READ_PATTERNS.listMemories, { orgId: stack.orgId, params: { since: 'yesterday' } })).catch((error: unknown) => error);
      const http = await httpRequest(current, 'GET', '/api/v1/memories?since=yesterday', { key: stack.key });
      expect(http.status).toBe(400);
      expect(refused).toEqual({ code: 'bad_request', message: http.body.error, hint: http.body.hint });
      // And the same read over v2 is what this gateway sends: parsed, with absolute times.
      const listed = await firstValueFrom(client.send(QUERY_PATTERNS.listMemories, { orgId: stack.orgId, query: { filter: { agentId: 'deploy-bot' }, order: 'asc', limit: 10 } }));
      expect((listed as { count: number }).count).toBe(3);
    } finally {
      await client.close();
    }
  });
});
