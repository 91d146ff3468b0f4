import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdempotencyService, IdempotentRequest } from './idempotency.service';

/**
 * The request's `Idempotency-Key` and the fingerprint of its body as sent (before validation), or
 * undefined without the header; a bad key is a 400. Extracted before the body's pipe runs, so a bad
 * key is reported before a bad body, as when the handler checked it first.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return IdempotencyService.parse(request.headers['idempotency-key'], request.body);
});
