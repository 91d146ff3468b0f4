import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { Span, SpanKind } from '@opentelemetry/api';
import { AppConfig } from '@memtrace/config';
import { AppError, ERROR_STATUS, ErrorCode, QueryPattern, RequestOf, ResponseOf, rpcErrorSchema } from '@memtrace/contracts';
import { inSpan, InSpanOptions, LOGGER, Metrics, traceCarrier } from '@memtrace/observability';
import { signedJsonSocket } from '@memtrace/tenancy';
import { types } from 'node:util';
import type { Logger } from 'pino';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/**
 * The gateway's only door to the query service (the one place that touches `ClientProxy`): sends a
 * versioned message, bounds the wait, and turns the service's `{code, message, hint}` back into
 * the `AppError` the HTTP error filter answers with (status from the shared `ERROR_STATUS` table).
 * With several query processes (MEMTRACE_QUERY_ADDRESSES) requests rotate over them, and one that
 * cannot be reached is skipped: reads are idempotent, so trying the next one is safe.
 */
@Injectable()
export class QueryClient implements OnModuleDestroy {
  private readonly clients: Array<{ address: string; host: string; port: number; proxy: ClientProxy }>;
  private readonly timeoutMs: number;
  private readonly maxRequestBytes: number;
  private next = 0;

  constructor(
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    // Replies are signed too; their cap only stops a runaway, as the largest page is far below it.
    const socketClass = signedJsonSocket({
      secret: config.requireInternalSecret(),
      maxFrameBytes: MAX_REPLY_BYTES,
      onRefused: (reason, remote) => logger.error({ remote, reason }, 'query service reply refused'),
    });
    this.clients = config.query.addresses.map(({ host, port }) => ({
      address: `${host}:${port}`,
      host,
      port,
      proxy: ClientProxyFactory.create({ transport: Transport.TCP, options: { host, port, socketClass } }),
    }));
    this.timeoutMs = config.query.timeoutMs;
    this.maxRequestBytes = config.query.maxFrameBytes - FRAME_OVERHEAD_BYTES;
  }

  /** In a CLIENT span whose context travels in the request (`trace`, inside the signed frame). */
  send<P extends QueryPattern>(pattern: P, request: RequestOf<P>): Promise<ResponseOf<P>> {
    return this.metrics.timeRpc('client', pattern, () =>
      inSpan(pattern, RPC_SPAN, (span) => {
        if (span.isRecording()) span.setAttribute('rpc.method', pattern);
        const trace = traceCarrier();
        return this.dispatch<ResponseOf<P>>(pattern, trace ? { ...request, trace } : request, span);
      }),
    );
  }

  private async dispatch<T>(pattern: QueryPattern, request: object, span: Span): Promise<T> {
    // The query service closes the connection on a frame over its cap; say so instead of a 503.
    if (Buffer.byteLength(JSON.stringify(request)) > this.maxRequestBytes) {
      throw new AppError('payload_too_large', 'the request is too large to query', `keep filters and query text under ${this.maxRequestBytes} bytes`);
    }
    const first = this.next++ % this.clients.length;
    let failure: unknown;
    for (let i = 0; i < this.clients.length; i++) {
      const { address, host, port, proxy } = this.clients[(first + i) % this.clients.length];
      if (span.isRecording()) span.setAttributes({ 'server.address': host, 'server.port': port });
      try {
        return await firstValueFrom(proxy.send<T>(pattern, request).pipe(timeout(this.timeoutMs)));
      } catch (error) {
        const answer = answered(error);
        if (answer) throw answer;
        // A timeout may mean the query is merely slow: do not pile it onto the next process.
        if (error instanceof TimeoutError) {
          this.logger.warn({ pattern, address, timeoutMs: this.timeoutMs }, 'query service timed out');
          throw new AppError('query_unavailable', 'the query service did not answer in time', 'retry later');
        }
        // A reply this gateway cannot read (a code of a newer release, "no handler" during a rolling
        // deploy: a plain object, where a socket failure is an Error) is tried on the next process
        // too; the log says which of the two it was.
        const message = !types.isNativeError(error) ? 'query service answered an error this gateway does not know' : 'query service unreachable';
        this.logger.warn({ pattern, address, err: error }, message);
        failure = error;
      }
    }
    this.logger.error({ pattern, err: failure }, 'no query service reachable');
    return Promise.reject(new AppError('query_unavailable', 'the query service is unavailable', 'retry later'));
  }

  async onModuleDestroy() {
    await Promise.all(this.clients.map(({ proxy }) => proxy.close()));
  }
}

const RPC_SPAN: InSpanOptions = { kind: SpanKind.CLIENT, attributes: { 'rpc.system.name': 'nestjs_tcp' } };

/** Signature, timestamp, packet envelope, pattern name and trace context: generous, so a request under the cap always fits. */
const FRAME_OVERHEAD_BYTES = 1024;
const MAX_REPLY_BYTES = 1024 * 1024 * 1024;

/** The service's own answer (`{code, message, hint}` with a known code), as the HTTP error. */
function answered(error: unknown): AppError | undefined {
  const payload = rpcErrorSchema.safeParse(error);
  if (!payload.success || !Object.hasOwn(ERROR_STATUS, payload.data.code)) return undefined;
  const { code, message, hint } = payload.data;
  return new AppError(code as ErrorCode, message, hint);
}
