import { once } from 'node:events';
import { createHmac, randomBytes } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { AppConfig } from '@memtrace/config';
import { AppError, LEGACY_READ_PATTERNS, QUERY_PATTERNS } from '@memtrace/contracts';
import { NO_MESSAGE_HANDLER } from '@nestjs/microservices/constants';
import { Metrics } from '@memtrace/observability';
import { signedJsonSocket } from '@memtrace/tenancy';
import pino from 'pino';
import { QueryClient } from './query.client';

const SECRET = randomBytes(32).toString('base64url');

/** A Nest TCP packet as the client frames it, and the two replies the query service gives. */
interface Packet {
  pattern: string;
  data: Record<string, unknown>;
  id: string;
}
type Answer = { response: unknown } | { err: unknown } | { raw: string } | 'silence';

/**
 * A stand-in for one query process: a real TCP server framed by the same signed socket as the
 * query service (`secret` may differ, to play a misconfigured peer). It records every packet it
 * accepts and every frame it refuses, and answers as `answer` says.
 */
class FakeQueryService {
  readonly packets: Packet[] = [];
  readonly refusals: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(
    private answer: (packet: Packet) => Answer,
    secret = SECRET,
  ) {
    const Framed = signedJsonSocket({ secret, maxFrameBytes: 1024 * 1024, onRefused: (reason) => this.refusals.push(reason) });
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const framed = new Framed(socket);
      framed.on('message', (packet: Packet) => {
        this.packets.push(packet);
        const answer = this.answer(packet);
        if (answer === 'silence') return;
        if ('raw' in answer) socket.write(answer.raw);
        else framed.sendMessage({ id: packet.id, ...answer, isDisposed: true });
      });
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A frame as the signed socket writes it, signed with `secret`. */
function signedFrame(message: unknown, secret: string): string {
  const json = JSON.stringify(message);
  const stamp = String(Date.now());
  const body = `${stamp}.${createHmac('sha256', secret).update(`${stamp}.${json}`).digest('base64url')}${json}`;
  return `${Buffer.byteLength(body)}#${body}`;
}

/** An address nothing listens on. */
async function closedAddress(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

const started: Array<{ stop(): Promise<void> }> = [];
const clients: QueryClient[] = [];

async function service(answer: (packet: Packet) => Answer, secret?: string): Promise<{ service: FakeQueryService; address: string }> {
  const fake = new FakeQueryService(answer, secret);
  started.push(fake);
  return { service: fake, address: await fake.start() };
}

function queryClient(addresses: string[], env: Record<string, string> = {}) {
  const logged: Array<{ level: number; msg: string; [key: string]: unknown }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const metrics = new Metrics();
  const config = AppConfig.fromEnv({
    MEMTRACE_INTERNAL_SECRET: SECRET,
    MEMTRACE_QUERY_ADDRESSES: addresses.join(','),
    MEMTRACE_QUERY_TIMEOUT_MS: '2000',
    ...env,
  });
  const client = new QueryClient(config, logger, metrics);
  clients.push(client);
  return { client, logged, metrics };
}

/** What `send` rejected with, as the HTTP error filter will see it. */
async function failure(promise: Promise<unknown>): Promise<{ status: number; code: string; message: string; hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const { status, code, message, hint } = error as AppError;
  return hint === undefined ? { status, code, message } : { status, code, message, hint };
}

const LIST = QUERY_PATTERNS.listMemories;
const query = (filter: Record<string, unknown> = { agentId: 'bot' }) => ({ filter, order: 'desc' as const, limit: 100 });
const request = { orgId: 'org_a', query: query() };
/** A request whose agent id names the answer the fake service should give. */
const caseOf = (packet: Packet) => (packet.data.query as { filter: { agentId: string } }).filter.agentId;
const asking = (name: string) => ({ ...request, query: query({ agentId: name }) });

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.onModuleDestroy()));
  await Promise.all(started.splice(0).map((fake) => fake.stop()));
});

describe('QueryClient', () => {
  it('sends the versioned pattern and the request in a signed frame, and resolves with the reply', async () => {
    const { service: fake, address } = await service(() => ({ response: { memories: [], count: 0, has_more: false } }));
    const { client } = queryClient([address]);
    await expect(client.send(LIST, request)).resolves.toEqual({ memories: [], count: 0, has_more: false });
    expect(fake.refusals).toEqual([]);
    expect(fake.packets).toEqual([{ pattern: 'query.list-memories.v2', data: request, id: expect.any(String) }]);
  });

  it("maps the service's {code, message, hint} to the AppError of the shared table", async () => {
    const errors: Record<string, unknown> = {
      'memory not found': { code: 'not_found', message: 'memory not found' },
      'bad since': { code: 'bad_request', message: "invalid since: 'yesterday'", hint: 'use 2h or an RFC 3339 time' },
      busy: { code: 'store_busy', message: 'too many reads for this org', hint: 'retry in a second' },
      down: { code: 'store_unavailable', message: 'the memory store of this org is unavailable', hint: 'connect ECONNREFUSED; retry later' },
      internal: { code: 'internal', message: 'internal error in the query service' },
    };
    const { address } = await service((packet) => ({ err: errors[caseOf(packet)] }));
    const { client, metrics } = queryClient([address]);
    const answers = [];
    for (const name of Object.keys(errors)) answers.push(await failure(client.send(LIST, asking(name))));
    expect(answers).toEqual([
      { status: 404, code: 'not_found', message: 'memory not found' },
      { status: 400, code: 'bad_request', message: "invalid since: 'yesterday'", hint: 'use 2h or an RFC 3339 time' },
      { status: 503, code: 'store_busy', message: 'too many reads for this org', hint: 'retry in a second' },
      { status: 503, code: 'store_unavailable', message: 'the memory store of this org is unavailable', hint: 'connect ECONNREFUSED; retry later' },
      { status: 500, code: 'internal', message: 'internal error in the query service' },
    ]);
    // The RPC metric counts each call under the code it ended with.
    const outcomes = (await metrics.rpcRequests.get()).values.map((v) => [v.labels.side, v.labels.pattern, v.labels.outcome, v.value]);
    expect(outcomes).toEqual(expect.arrayContaining([['client', LIST, 'not_found', 1], ['client', LIST, 'store_busy', 1]]));
  });

  it('an answered error is final: it is not retried on the next query process', async () => {
    const one = await service(() => ({ err: { code: 'not_found', message: 'memory not found' } }));
    const two = await service(() => ({ err: { code: 'not_found', message: 'memory not found' } }));
    const { client } = queryClient([one.address, two.address]);
    expect((await failure(client.send(LIST, request))).status).toBe(404);
    expect(one.service.packets.length + two.service.packets.length).toBe(1);
  });

  it('an error that is not a code of the table (no handler for the pattern, an unknown code) is a 503, never a made-up status', async () => {
    const { address } = await service((packet) =>
      caseOf(packet) === 'no-handler'
        ? { err: { status: 'error', message: 'There is no matching message handler defined in the remote service.' } }
        : { err: { code: 'teapot', message: 'I am a teapot' } },
    );
    const { client, logged } = queryClient([address]);
    const unavailable = { status: 503, code: 'query_unavailable', message: 'the query service is unavailable', hint: 'retry later' };
    expect(await failure(client.send(LIST, asking('no-handler')))).toEqual(unavailable);
    expect(await failure(client.send(LIST, asking('unknown-code')))).toEqual(unavailable);
    // Logged as an answer it could not read, not as a process it could not reach.
    expect(logged.filter((line) => line.msg === 'query service answered an error this gateway does not know')).toHaveLength(2);
  });

  describe('a query process of the previous release (rolling deploy)', () => {
    const legacy = { pattern: LEGACY_READ_PATTERNS.listMemories, request: { orgId: 'org_a', params: { agent_id: 'bot' } } };
    /** Answers the v1 patterns only, with Nest's own "no handler" reply to anything newer. */
    const previousRelease = (packet: Packet): Answer =>
      packet.pattern.endsWith('.v1') ? { response: { memories: [], count: 0, has_more: false } } : { err: NO_MESSAGE_HANDLER };

    it('is sent the legacy request on the same process when it has no handler for the current pattern', async () => {
      const { service: fake, address } = await service(previousRelease);
      const { client } = queryClient([address]);
      await expect(client.send(LIST, request, legacy)).resolves.toEqual({ memories: [], count: 0, has_more: false });
      expect(fake.packets.map((p) => [p.pattern, p.data])).toEqual([
        ['query.list-memories.v2', request],
        ['query.list-memories.v1', legacy.request],
      ]);
    });

    it('a process of this release answers the current pattern: the legacy request is never sent', async () => {
      const { service: fake, address } = await service(() => ({ response: 'current' }));
      const { client } = queryClient([address]);
      await expect(client.send(LIST, request, legacy)).resolves.toBe('current');
      expect(fake.packets.map((p) => p.pattern)).toEqual(['query.list-memories.v2']);
    });

    it("the legacy answer's error is the caller's, as any answered error", async () => {
      const { address } = await service((packet) => (packet.pattern.endsWith('.v1') ? { err: { code: 'bad_request', message: 'invalid agent_id' } } : { err: NO_MESSAGE_HANDLER }));
      const { client } = queryClient([address]);
      expect(await failure(client.send(LIST, request, legacy))).toEqual({ status: 400, code: 'bad_request', message: 'invalid agent_id' });
    });

    it('any other error is not a reason to fall back', async () => {
      const { service: fake, address } = await service(() => ({ err: { code: 'store_busy', message: 'too many reads for this org' } }));
      const { client } = queryClient([address]);
      expect((await failure(client.send(LIST, request, legacy))).code).toBe('store_busy');
      expect(fake.packets).toHaveLength(1);
    });

    it('without a legacy request, "no handler" is a 503 as before', async () => {
      const { address } = await service(previousRelease);
      const { client } = queryClient([address]);
      expect((await failure(client.send(LIST, request))).status).toBe(503);
    });
  });

  it('a service that does not answer in time is a 503 query_unavailable, and the request is not piled onto the next process', async () => {
    const slow = await service(() => 'silence');
    const next = await service(() => ({ response: 'too late' }));
    const { client, logged } = queryClient([slow.address, next.address], { MEMTRACE_QUERY_TIMEOUT_MS: '150' });
    expect(await failure(client.send(LIST, request))).toEqual({
      status: 503,
      code: 'query_unavailable',
      message: 'the query service did not answer in time',
      hint: 'retry later',
    });
    expect(slow.service.packets).toHaveLength(1);
    expect(next.service.packets).toEqual([]);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'query service timed out', pattern: LIST, address: slow.address, timeoutMs: 150 }));
  });

  it('rotates over the query processes and skips one that cannot be reached', async () => {
    const one = await service(() => ({ response: 'one' }));
    const two = await service(() => ({ response: 'two' }));
    const down = await closedAddress();
    const { client, logged } = queryClient([one.address, down, two.address]);
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await client.send(LIST, request));
    // First call starts at `one`, the second at `down` (skipped: `two` answers), the third at `two`.
    expect(replies).toEqual(['one', 'two', 'two']);
    expect([one.service.packets.length, two.service.packets.length]).toEqual([1, 2]);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'query service unreachable', address: down }));
  });

  it('no reachable query process is a 503 query_unavailable naming none of them to the client', async () => {
    const { client, logged } = queryClient([await closedAddress(), await closedAddress()]);
    expect(await failure(client.send(LIST, request))).toEqual({ status: 503, code: 'query_unavailable', message: 'the query service is unavailable', hint: 'retry later' });
    expect(logged.filter((line) => line.msg === 'query service unreachable')).toHaveLength(2);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'no query service reachable', pattern: LIST }));
  });

  it('a request over the frame cap is a 413 before anything is sent (the service would close the connection)', async () => {
    const { service: fake, address } = await service(() => ({ response: 'ok' }));
    const { client } = queryClient([address], { MEMTRACE_INTERNAL_MAX_FRAME_BYTES: '4096' });
    const big = { ...request, query: query({ contentContains: 'x'.repeat(4096 - 1024) }) };
    expect(await failure(client.send(QUERY_PATTERNS.searchMemories, big))).toEqual({
      status: 413,
      code: 'payload_too_large',
      message: 'the request is too large to query',
      hint: 'keep filters and query text under 3072 bytes',
    });
    // Just under the cap goes through.
    await expect(client.send(QUERY_PATTERNS.searchMemories, { ...request, query: query({ contentContains: 'x'.repeat(2800) }) })).resolves.toBe('ok');
    expect(fake.packets).toHaveLength(1);
  });

  it('a query process holding another secret refuses the frame unread; the client answers 503', async () => {
    const { service: fake, address } = await service(() => ({ response: 'should not happen' }), randomBytes(32).toString('base64url'));
    const { client } = queryClient([address]);
    expect(await failure(client.send(LIST, request))).toMatchObject({ status: 503, code: 'query_unavailable' });
    expect(fake.packets).toEqual([]);
    expect(fake.refusals).toEqual(['bad signature']);
  });

  it('a reply not signed with the shared secret is refused and logged, never returned', async () => {
    const otherSecret = randomBytes(32).toString('base64url');
    const { service: fake, address } = await service((packet) => ({ raw: signedFrame({ id: packet.id, response: { memories: [{ id: 'forged' }] }, isDisposed: true }, otherSecret) }));
    const { client, logged } = queryClient([address]);
    expect(await failure(client.send(LIST, request))).toMatchObject({ status: 503, code: 'query_unavailable' });
    expect(fake.packets).toHaveLength(1);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'query service reply refused', reason: 'bad signature' }));
  });
});
