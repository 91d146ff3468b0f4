import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { NO_MESSAGE_HANDLER } from '@nestjs/microservices/constants';
import { Span, SpanKind } from '@opentelemetry/api';
import { AppConfig } from '@memtrace/config';
import { AppError, ERROR_STATUS, ErrorCode, LegacyReadPattern, QueryPattern, RequestOf, ResponseOf, rpcErrorSchema } from '@memtrace/contracts';
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

  /**
   * In a CLIENT span whose context travels in the request (`trace`, inside the signed frame). A
   * query process of the previous release has no handler for a current read pattern: it is sent
   * `legacy` (the same read as that release sent it) instead, so either may be deployed first.
   */
  send<P extends QueryPattern>(pattern: P, request: RequestOf<P>, legacy?: LegacyRead<P>): Promise<ResponseOf<P>> {
    return this.metrics.timeRpc('client', pattern, () =>
      inSpan(pattern, RPC_SPAN, (span) => {
        if (span.isRecording()) span.setAttribute('rpc.method', pattern);
        const trace = traceCarrier();
        const traced = (message: object) => (trace ? { ...message, trace } : message);
        const fallback = legacy && { pattern: legacy.pattern, request: traced(legacy.request) };
        return this.dispatch<ResponseOf<P>>({ pattern, request: traced(request) }, fallback, span);
      }),
    );
  }

  private async dispatch<T>({ pattern, request }: Message, legacy: Message | undefined, span: Span): Promise<T> {
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
        return await this.exchange<T>(proxy, { pattern, request }, legacy);
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

  private async exchange<T>(proxy: ClientProxy, message: Message, legacy: Message | undefined): Promise<T> {
    const ask = ({ pattern, request }: Message) => firstValueFrom(proxy.send<T>(pattern, request).pipe(timeout(this.timeoutMs)));
    try {
      return await ask(message);
    } catch (error) {
      // Nest's TCP server answers a pattern it has no handler for with this string: a process older than the pattern.
      if (!legacy || error !== NO_MESSAGE_HANDLER) throw error;
      return ask(legacy);
    }
  }

  async onModuleDestroy() {
    await Promise.all(this.clients.map(({ proxy }) => proxy.close()));
  }
}

interface Message {
  pattern: QueryPattern;
  request: object;
}

/** The legacy read a current read pattern falls back to: any of `LEGACY_READ_PATTERNS` that answers what `P` answers. */
export type LegacyRead<P extends QueryPattern> = {
  [L in LegacyReadPattern]: ResponseOf<L> extends ResponseOf<P> ? { pattern: L; request: RequestOf<L> } : never;
}[LegacyReadPattern];

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
