import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';

/** This gateway's own base URL, reachable from inside the process (its listening port on loopback). */
@Injectable()
export class GatewayLoopbackService {
  private cached?: string;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Read from the listening socket, so port 0 (tests) and any MEMTRACE_SERVER_HOST work. */
  baseUrl(): string {
    if (this.cached) return this.cached;
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | string | null;
    if (!address || typeof address === 'string') throw new Error('the gateway is not listening on a TCP port');
    this.cached = `http://${loopbackHost(address.address)}:${address.port}`;
    return this.cached;
  }
}

/** A wildcard bind is reached on loopback; a specific address as itself (IPv6 in brackets). */
function loopbackHost(bound: string): string {
  if (bound === '0.0.0.0') return '127.0.0.1';
  if (bound === '::') return '[::1]';
  return bound.includes(':') ? `[${bound}]` : bound;
}
