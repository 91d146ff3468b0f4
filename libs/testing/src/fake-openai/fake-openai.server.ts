// A local stand-in for the OpenAI HTTP API that the real `openai` client and the Agents SDK can
// talk to (point `baseURL` / OPENAI_BASE_URL at `handle.baseURL`). Replies come from a script a
// test queues through the control API on the same port. Used in-process by specs and by main.ts
// in a child process.
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveControl } from './control.router';
import { FakeOpenAIControl } from './fake-openai.control';
import type { FakeOpenAIOptions } from './fake-openai.types';
import { sendOpenAIError } from './http-reply.util';
import { serveModel } from './model.router';
import { ReplyQueue } from './reply.queue';

export interface FakeOpenAIHandle {
  /** Server root, e.g. http://127.0.0.1:41234; the control API lives under /_control/. */
  readonly url: string;
  /** What the openai client takes as `baseURL` / OPENAI_BASE_URL: `${url}/v1`. */
  readonly baseURL: string;
  readonly port: number;
  readonly control: FakeOpenAIControl;
  stop(): Promise<void>;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIHandle> {
  const host = options.host ?? '127.0.0.1';
  const queue = new ReplyQueue();
  const server = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', 'http://fake-openai').pathname;
    const served = path.startsWith('/_control/')
      ? serveControl(queue, `${incoming.method ?? 'GET'} ${path}`, incoming, outgoing)
      : serveModel(queue, path, incoming, outgoing);
    served.catch((error: unknown) => {
      if (outgoing.headersSent) outgoing.destroy();
      else sendOpenAIError(outgoing, 500, (error as Error).message);
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  const url = `http://${host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    baseURL: `${url}/v1`,
    port,
    control: new FakeOpenAIControl(url),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets of the openai client would otherwise hold close() open.
        server.closeAllConnections();
      })),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
