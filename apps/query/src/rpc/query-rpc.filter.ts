import { ArgumentsHost, Catch, Inject, RpcExceptionFilter } from '@nestjs/common';
import { AppError, RpcErrorPayload } from '@memtrace/contracts';
import { LOGGER } from '@memtrace/observability';
import { StoreRejectedError, StoreUnavailableError } from '@memtrace/store';
import type { Logger } from 'pino';
import { Observable, throwError } from 'rxjs';
import { ZodError } from 'zod';

/**
 * The query service's one error boundary: every failure leaves as `{code, message, hint}` with a
 * code of the shared table (the gateway maps it to HTTP). Unknown errors are logged here and leave
 * as a generic `internal`; stacks never cross the wire.
 */
@Catch()
export class QueryRpcFilter implements RpcExceptionFilter<unknown> {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const payload = this.toPayload(exception, host);
    return throwError(() => payload);
  }

  private toPayload(exception: unknown, host: ArgumentsHost): RpcErrorPayload {
    if (exception instanceof AppError) return withHint({ code: exception.code, message: exception.message }, exception.hint);
    if (exception instanceof StoreUnavailableError) {
      return { code: 'store_unavailable', message: 'the memory store of this org is unavailable', hint: `${exception.message}; retry later` };
    }
    if (exception instanceof StoreRejectedError) return { code: 'bad_request', message: `the store rejected the query: ${exception.message}` };
    if (exception instanceof ZodError) {
      // A request that breaks the contract: a gateway of another version, not the client's fault.
      this.logger.error({ pattern: patternOf(host), issues: exception.issues }, 'query request failed its contract');
      return { code: 'internal', message: 'internal error: query request failed its contract' };
    }
    this.logger.error({ pattern: patternOf(host), err: exception }, 'query failed');
    return { code: 'internal', message: 'internal error in the query service' };
  }
}

function withHint(payload: RpcErrorPayload, hint: string | undefined): RpcErrorPayload {
  return hint ? { ...payload, hint } : payload;
}

function patternOf(host: ArgumentsHost): unknown {
  try {
    return host.switchToRpc().getContext<{ getPattern?: () => string }>()?.getPattern?.();
  } catch {
    return undefined;
  }
}
