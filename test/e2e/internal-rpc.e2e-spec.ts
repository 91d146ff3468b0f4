import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { AppProcess, createStack, REPO_ROOT, TenantStack, waitFor } from '@memtrace/testing';
import { writeMemory } from './ingest-fixtures';
import { connectOutcome, connectTcp, receivedUntilClose } from './tcp-fixtures';

jest.setTimeout(90_000);

/** Everything a bare TCP peer receives until the query service closes the connection. */
async function rawExchange(port: number, payload: string): Promise<{ received: string; closed: boolean }> {
  const socket = await connectTcp(port);
  socket.write(payload);
  return receivedUntilClose(socket);
}

function nestFrame(message: unknown): string {
  const json = JSON.stringify(message);
  return `${json.length}#${json}`;
}

/** The attack of the break-it run: the query service's TCP port, without a key, naming an org. */
describe('internal RPC trust boundary (query service)', () => {
  let stack: TenantStack;
  let query: AppProcess;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    // The public bind address is everything; the query service must still keep to loopback.
    stack = await createStack({ env: { MEMTRACE_SERVER_HOST: '0.0.0.0' } });
    query = await stack.spawn('query');
    gateway = await stack.spawn('gateway');
    worker = await stack.spawn('ingest-worker');
    const written = await writeMemory(gateway, stack.key, 'a secret of org A');
    expect(written.status).toBe(201);
  });
  afterAll(() => stack?.close());

  const port = () => Number(stack.env.env.MEMTRACE_QUERY_PORT);

  it('serves the gateway, which signs its requests', async () => {
    await waitFor(
      async () => {
        const reply = await fetch(`${gateway.url()}/api/v1/memories?since=1h`, { headers: { 'x-api-key': stack.key } });
        const body = (await reply.json()) as { memories: Array<{ content: string }> };
        return reply.status === 200 && body.memories.some((m) => m.content === 'a secret of org A');
      },
      20_000,
      'the memory through the gateway',
    );
  });

  it.each(['query.list-memories.v1', 'query.search-memories.v1', 'query.get-memory.v1', 'query.render-context.v1', 'query.agent-stats.v1', 'query.agent-activity.v1'])(
    'gives a bare TCP client nothing for %s, closes the connection and logs the refusal',
    async (pattern) => {
      const refusalsBefore = query.stderr().split('\n').filter((line) => line.includes('"reason":"unsigned frame"')).length;
      const frame = nestFrame({
        pattern,
        data: { orgId: stack.orgId, params: { since: '48h' }, body: { query: 'secret' }, id: 'x', agentId: 'agent_load', subject: 'agent' },
        id: '1',
      });
      const { received, closed } = await rawExchange(port(), frame);
      expect(closed).toBe(true);
      expect(received).toBe('');
      const refusals = () => query.stderr().split('\n').filter((line) => line.includes('"reason":"unsigned frame"') && line.includes('internal RPC connection refused'));
      await waitFor(async () => refusals().length >= refusalsBefore + 1, 10_000, 'the refusal in the log');
    },
  );

  it('closes a connection that announces an oversized frame without reading it', async () => {
    const { received, closed } = await rawExchange(port(), '104857600#{"pattern":"query.list-memories.v1"');
    expect(closed).toBe(true);
    expect(received).toBe('');
    await waitFor(async () => query.stderr().includes('exceeds the 1048576-byte cap'), 10_000, 'the refusal in the log');
  });

  it('keeps the query port, the metrics ports and the worker health port on loopback when the public bind address is 0.0.0.0', async () => {
    expect(query.stderr()).toMatch(/"host":"127\.0\.0\.1","transport":"tcp"/);
    const internal = [port(), query.ports.metrics, gateway.ports.metrics, worker.ports.metrics, worker.ports['ingest-worker']];
    expect(internal.every((p) => p > 0)).toBe(true);
    // The gateway's API port is the one that follows MEMTRACE_SERVER_HOST.
    expect(gateway.stderr()).toMatch(/"app":"gateway","port":\d+,"host":"0\.0\.0\.0"/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return; // a machine with loopback only has no other address to try
    expect(await connectOutcome(gateway.ports.gateway, external.address)).toBe('connected');
    for (const p of internal) expect(await connectOutcome(p, external.address)).toBe('ECONNREFUSED');
  });

  it.each(['query', 'gateway'])('a %s process without MEMTRACE_INTERNAL_SECRET refuses to start, naming the setting', (app) => {
    const { MEMTRACE_INTERNAL_SECRET: _omitted, ...env } = stack.env.env;
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js')], {
      env: { ...env, MEMTRACE_QUERY_PORT: '0', PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`memtrace ${app}: MEMTRACE_INTERNAL_SECRET is required`);
  });
});
