// The data port's socket. "down" closes the listener and cuts open connections, so clients see
// ECONNREFUSED / ECONNRESET exactly as with a crashed Arc; "up" listens again on the same port.
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DataRouter } from './data.router';

export class DataListener {
  private readonly server: Server;
  private boundPort = 0;
  private listening = false;

  constructor(
    router: DataRouter,
    private readonly host: string,
    logger: Logger,
  ) {
    this.server = createServer((request, response) => {
      router.serve(request, response).catch((error: unknown) => {
        logger.error({ err: error }, 'data port request failed');
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: (error as Error).message }));
      });
    });
    // Arc serves HTTP/1.1 keep-alive; a short idle timeout keeps stop() quick for tests.
    this.server.keepAliveTimeout = 5_000;
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.boundPort = (this.server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** Closes (down) or reopens (up) the port; idempotent. */
  async setDown(down: boolean): Promise<void> {
    if (down && this.listening) await this.close();
    else if (!down && !this.listening) await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
