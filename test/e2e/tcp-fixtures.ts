import { once } from 'node:events';
import { Socket } from 'node:net';

/** A raw TCP connection to a server under test, as a hostile or careless peer would open it. */
export async function connectTcp(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = new Socket();
  socket.on('error', () => undefined);
  socket.connect(port, host);
  await once(socket, 'connect');
  return socket;
}

/**
 * Everything the server sends until it closes the connection, and whether it closed within
 * `limitMs` (a server that keeps the connection open fails the test's assertion, not its timeout).
 */
export async function receivedUntilClose(socket: Socket, limitMs = 10_000): Promise<{ received: string; closed: boolean }> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  // Not `once(socket, 'close')`: it rejects on the 'error' (ECONNRESET) that precedes a reset's close.
  const closed = socket.closed ? Promise.resolve(true) : new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([closed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)))]);
  clearTimeout(timer);
  socket.destroy();
  return { received, closed: result };
}

/** `connected`, or the error code of a connection attempt (e.g. ECONNREFUSED). */
export function connectOutcome(port: number, host: string): Promise<string> {
  const socket = new Socket();
  return new Promise<string>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('connect', () => resolve('connected'));
    socket.connect(port, host);
  }).finally(() => socket.destroy());
}
