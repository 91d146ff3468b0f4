import { ArgumentsHost, BadRequestException, HttpException } from '@nestjs/common';
import { AppError } from '@memtrace/contracts';
import pino from 'pino';
import { HttpErrorFilter } from './http-error.filter';

/** The parts of a Fastify reply the filter uses, recording what it was given. */
class FakeReply {
  statusCode = 200;
  headers: Record<string, string> = {};
  body: unknown;
  header(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  hasHeader(name: string) {
    return name.toLowerCase() in this.headers;
  }
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
}

function answer(exception: unknown, reply = new FakeReply()) {
  const logged: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ id: 'req-1' }) }) } as unknown as ArgumentsHost;
  new HttpErrorFilter(logger).catch(exception, host);
  return { reply, logged };
}

describe('HttpErrorFilter', () => {
  it("answers an AppError with its status and upstream's body, plus hint and code", () => {
    const { reply } = answer(new AppError('conflict', 'duplicate memory', 'change the content'));
    expect(reply.statusCode).toBe(409);
    expect(reply.body).toEqual({ error: 'duplicate memory', hint: 'change the content', code: 'conflict' });
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('adds Retry-After to codes that clear soon, unless the thrower set an exact one', () => {
    expect(answer(new AppError('store_busy', 'busy')).reply.headers['retry-after']).toBe('1');
    const limited = new FakeReply().header('retry-after', '7');
    expect(answer(new AppError('rate_limited', 'slow down'), limited).reply.headers['retry-after']).toBe('7');
    expect(answer(new AppError('not_found', 'memory not found')).reply.headers['retry-after']).toBeUndefined();
  });

  it("answers Nest's HTTP exceptions with their status and message", () => {
    const { reply } = answer(new BadRequestException('bad thing'));
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toEqual({ error: 'bad thing' });
  });

  it("answers Fastify's own 4xx errors in the same shape", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(answer(new HttpException('Request body is too large', 413, { cause: tooLarge })).reply.body).toEqual({ error: 'request body too large', code: 'bad_request' });
    expect(answer(tooLarge).reply.statusCode).toBe(413);
  });

  it('hides an unknown failure behind a generic 500 with the request id, and logs the stack', () => {
    const { reply, logged } = answer(new Error('connection string postgres://user:secret@db leaked'));
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ error: 'internal error (request id req-1)', code: 'internal' });
    expect(JSON.stringify(reply.body)).not.toContain('secret');
    expect(logged).toEqual([expect.objectContaining({ reqId: 'req-1', msg: 'unhandled error' })]);
  });
});
