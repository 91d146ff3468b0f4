import { once } from 'node:events';
import { AppProcess, createStack, Stack } from '@memtrace/testing';
import { connectTcp, receivedUntilClose } from './tcp-fixtures';

jest.setTimeout(60_000);

/** A hostile client cannot hold the gateway's sockets: trickled requests time out, connections are capped. */
describe('HTTP timeouts and connection cap (gateway)', () => {
  let stack: Stack;
  let gateway: AppProcess;

  beforeAll(async () => {
    stack = await createStack({
      arc: false,
      env: { MEMTRACE_HTTP_REQUEST_TIMEOUT_MS: '1500', MEMTRACE_HTTP_HEADERS_TIMEOUT_MS: '1000', MEMTRACE_MAX_CONNECTIONS: '4' },
      start: { gateways: 1 },
    });
    gateway = stack.gateway;
  });
  afterAll(() => stack?.close());

  it('answers a body that trickles in past the request timeout with 408 and closes the connection', async () => {
    const socket = await connectTcp(gateway.ports.gateway);
    socket.write('POST /api/v1/memories HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"agent_id":');
    const { received, closed } = await receivedUntilClose(socket);
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose headers never finish', async () => {
    const socket = await connectTcp(gateway.ports.gateway);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const { received, closed } = await receivedUntilClose(socket);
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('refuses connections past the cap and serves again once they close', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => connectTcp(gateway.ports.gateway)));
    const extra = await connectTcp(gateway.ports.gateway);
    extra.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await receivedUntilClose(extra)).toEqual({ received: '', closed: true });
    await Promise.all(held.map(async (socket) => {
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
    }));
    // The server learns of the closes asynchronously: retry until a request is served.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = await fetch(`${gateway.url()}/health`).then((r) => r.status, () => 0);
    }
    expect(status).toBe(200);
  });
});
