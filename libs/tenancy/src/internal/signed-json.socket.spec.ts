import { EventEmitter, once } from 'node:events';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { signedJsonSocket, SignedJsonSocketOptions } from './signed-json.socket';

const SECRET = randomBytes(32).toString('base64url');

interface Receiver {
  port: number;
  messages: unknown[];
  refusals: string[];
  /** Resolves when the server side of the next connection has closed. */
  closed: Promise<void>;
  server: Server;
  arrivals: EventEmitter;
}

/** A TCP server whose connections are framed by a signed socket; records what it accepts and refuses. */
async function receiver(overrides: Partial<SignedJsonSocketOptions> = {}): Promise<Receiver> {
  const messages: unknown[] = [];
  const refusals: string[] = [];
  const Framed = signedJsonSocket({ secret: SECRET, maxFrameBytes: 4096, onRefused: (reason) => refusals.push(reason), ...overrides });
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  const arrivals = new EventEmitter();
  const server = createServer((socket) => {
    const framed = new Framed(socket);
    framed.on('message', (message) => {
      messages.push(message);
      arrivals.emit('message');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => closed());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, messages, refusals, closed: closedPromise, server, arrivals };
}

async function rawClient(port: number): Promise<Socket> {
  const socket = new Socket();
  socket.on('error', () => undefined);
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

function signedFrame(json: string, secret = SECRET, stamp = Date.now()): string {
  const body = `${stamp}.${createHmac('sha256', secret).update(`${stamp}.${json}`).digest('base64url')}${json}`;
  return `${Buffer.byteLength(body)}#${body}`;
}

async function messagesArrive(r: Receiver, n: number): Promise<void> {
  while (r.messages.length < n) await once(r.arrivals, 'message');
}

describe('signedJsonSocket', () => {
  let r: Receiver;
  afterEach(() => new Promise<void>((resolve) => r.server.close(() => resolve())));

  it('delivers what a signed peer sends, across chunk boundaries and several frames per chunk', async () => {
    r = await receiver();
    const Framed = signedJsonSocket({ secret: SECRET, maxFrameBytes: 4096, onRefused: () => undefined });
    const client = new Framed(new Socket());
    client.connect(r.port, '127.0.0.1');
    await once(client.netSocket, 'connect');
    client.sendMessage({ pattern: 'p', data: { orgId: 'org_a', text: 'zürich 東京 🎉' }, id: '1' });
    await messagesArrive(r, 1);
    // The same bytes, one at a time, then two frames in one write.
    const raw = await rawClient(r.port);
    const one = Buffer.from(signedFrame(JSON.stringify({ n: 'é🎉' })));
    for (const byte of one) raw.write(Buffer.from([byte]));
    raw.write(signedFrame('{"n":2}') + signedFrame('{"n":3}'));
    await messagesArrive(r, 4);
    expect(r.messages).toEqual([{ pattern: 'p', data: { orgId: 'org_a', text: 'zürich 東京 🎉' }, id: '1' }, { n: 'é🎉' }, { n: 2 }, { n: 3 }]);
    expect(r.refusals).toEqual([]);
    client.end();
    raw.end();
  });

  it("refuses a plain Nest frame naming another org: no message, connection closed", async () => {
    r = await receiver();
    const raw = await rawClient(r.port);
    const json = JSON.stringify({ pattern: 'query.list-memories.v1', data: { orgId: 'org_b', params: { since: '48h' } }, id: '1' });
    raw.write(`${json.length}#${json}`);
    await r.closed;
    expect(r.messages).toEqual([]);
    expect(r.refusals).toEqual(['unsigned frame']);
  });

  it('refuses a frame signed with another secret', async () => {
    r = await receiver();
    const raw = await rawClient(r.port);
    raw.write(signedFrame('{"data":{"orgId":"org_b"}}', randomBytes(32).toString('base64url')));
    await r.closed;
    expect(r.messages).toEqual([]);
    expect(r.refusals).toEqual(['bad signature']);
  });

  it('refuses a replay of an old capture', async () => {
    r = await receiver({ maxClockSkewMs: 60_000 });
    const raw = await rawClient(r.port);
    raw.write(signedFrame('{"n":1}', SECRET, Date.now() - 120_000));
    await r.closed;
    expect(r.messages).toEqual([]);
    expect(r.refusals).toEqual(['stale signature']);
  });

  it('closes on an announced length over the cap before the body arrives', async () => {
    r = await receiver();
    const raw = await rawClient(r.port);
    raw.write('104857600#');
    await r.closed;
    expect(r.refusals).toEqual(['frame of 104857600 bytes exceeds the 4096-byte cap']);
  });

  it('closes on a malformed length and on a peer that stalls mid-frame', async () => {
    r = await receiver();
    const raw = await rawClient(r.port);
    raw.write('12x4#{}');
    await r.closed;
    expect(r.refusals).toEqual(['malformed frame length']);
    await new Promise<void>((resolve) => r.server.close(() => resolve()));

    r = await receiver({ stalledFrameMs: 50 });
    const stalling = await rawClient(r.port);
    stalling.write('100#{"half');
    await r.closed;
    expect(r.refusals).toEqual(['frame stalled']);
  });
});
