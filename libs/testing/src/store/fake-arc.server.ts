import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  socket: Socket;
}

export interface FakeReply {
  status: number;
  body?: string | object;
  /** Never answer (for timeout specs). */
  hang?: boolean;
}

/**
 * Specs only: a bare `node:http` server that records each request and answers with whatever the
 * spec queued, in Arc's shapes. It checks nothing itself; the specs assert on `requests`.
 */
export class FakeArcServer {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: FakeReply[] = [];
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  reply(...replies: FakeReply[]): this {
    this.replies.push(...replies);
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), socket: req.socket });
      const reply: FakeReply = this.replies.shift() ?? { status: 500, body: { error: 'no reply queued' } };
      if (reply.hang) return;
      if (reply.body === undefined) {
        res.writeHead(reply.status).end();
        return;
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(text);
    });
  }
}

/** Arc's query envelope (reference/arc.md §3.3). */
export function arcRows(columns: string[], data: unknown[][]): object {
  return { success: true, columns, data, row_count: data.length, execution_time_ms: 1, timestamp: '2026-08-20T12:00:00Z' };
}

/** Arc's query error envelope (reference/arc.md §3.5). */
export function arcQueryError(error: string): object {
  return { success: false, columns: null, data: null, row_count: 0, execution_time_ms: 0, timestamp: '2026-08-20T12:00:00Z', error };
}
