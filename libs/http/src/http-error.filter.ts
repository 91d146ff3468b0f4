import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { AppError, ErrorBody, RETRY_AFTER_SECONDS } from '@memtrace/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** `exception` is what was thrown, so that a listener can tell errors it already handled. */
export type ErrorListener = (request: FastifyRequest, status: number, body: ErrorBody, exception: unknown) => void;

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
    this.onError?.(request, status, body, exception);
    const retryAfter = body.code === undefined ? undefined : RETRY_AFTER_SECONDS[body.code];
    // A rate limit sets its own, exact Retry-After before it throws.
    if (retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfter));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
    if (exception instanceof AppError) return { status: exception.status, body: exception.toBody() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Fastify's 4xx errors (body too large, unsupported media type) reach here wrapped by Nest in
      // an HttpException of Fastify's bare text, the original as its cause; answer them as upstream did.
      const cause = exception.cause as FastifyError | undefined;
      if (isFastifyError(cause)) return { status, body: { error: fastifyMessage(cause), code: 'bad_request' } };
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      return { status, body: { error: Array.isArray(message) ? message.join('; ') : String(message) } };
    }
    const fastifyError = exception as FastifyError;
    if (isFastifyError(fastifyError) && fastifyError.statusCode && fastifyError.statusCode < 500) {
      return { status: fastifyError.statusCode, body: { error: fastifyMessage(fastifyError), code: 'bad_request' } };
    }
    this.logger.error({ reqId: request.id, err: exception }, 'unhandled error');
    return { status: 500, body: { error: `internal error (request id ${request.id})`, code: 'internal' } };
  }
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any hook or filter runs (a URL that
 * is not valid percent-encoded UTF-8, such as an encoded lone surrogate; a parameter past
 * `maxParamLength`), answered in the same body shape as every other error.
 */
export function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .status(error.statusCode ?? 400)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: fastifyMessage(error), code: 'bad_request' });
}

/** Fastify's codes are `FST_…` strings; other errors' codes may be anything (a DOMException's is a number). */
function isFastifyError(error: FastifyError | null | undefined): error is FastifyError & { code: string } {
  return typeof error?.code === 'string' && error.code.startsWith('FST_');
}

function fastifyMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return 'invalid URL: not valid percent-encoded UTF-8';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'invalid URL: a path parameter is too long';
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
