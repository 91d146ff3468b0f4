import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { AppError, ErrorBody } from '@memtrace/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

export type ErrorListener = (request: FastifyRequest, status: number, body: ErrorBody) => void;

/** Fastify's own errors (body parsing, size) carry a code and a status. */
interface FastifyError extends Error {
  code?: string;
  statusCode?: number;
}

/**
 * The one place an exception becomes a response: upstream's `{"error": …}` body (plus optional
 * `hint` and `code`). Unknown failures answer a generic 500 with the request id; the stack goes to
 * the log, never to the client.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly onError?: ErrorListener,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body } = this.toResponse(exception, request);
    this.onError?.(request, status, body);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
    if (exception instanceof AppError) return { status: exception.status, body: exception.toBody() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      // Fastify's body-parsing failures reach here wrapped by Nest; answer them as upstream did.
      const code = typeof response === 'object' ? (response as { code?: unknown }).code : undefined;
      if (typeof code === 'string' && code.startsWith('FST_')) {
        const message = String((response as { message?: unknown }).message ?? exception.message);
        return { status, body: { error: fastifyMessage({ name: 'FastifyError', code, message }), code: 'bad_request' } };
      }
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return { status, body: { error: Array.isArray(message) ? message.join('; ') : String(message) } };
    }
    const fastifyError = exception as FastifyError;
    if (fastifyError?.code?.startsWith('FST_') && fastifyError.statusCode && fastifyError.statusCode < 500) {
      return { status: fastifyError.statusCode, body: { error: fastifyMessage(fastifyError), code: 'bad_request' } };
    }
    this.logger.error({ reqId: request.id, err: exception }, 'unhandled error');
    return { status: 500, body: { error: `internal error (request id ${request.id})`, code: 'internal' } };
  }
}

function fastifyMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'invalid request body: Content-Type must be application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid request body: empty JSON body';
    default:
      return `invalid request body: ${error.message}`;
  }
}
