import { ArgumentsHost, BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { AppError, ERROR_STATUS, ErrorBody, ErrorCode, noStoreBinding, RETRY_AFTER_SECONDS } from '@memtrace/contracts';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import { HttpErrorFilter, sendFrameworkError } from './http-error.filter';

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

describe('HttpErrorFilter: the error table', () => {
  const codes = Object.keys(ERROR_STATUS) as ErrorCode[];

  it.each(codes)('%s answers its status from the one table, the code in the body, Retry-After only where the table says', (code) => {
    const { reply } = answer(new AppError(code, `a ${code} failure`));
    expect({ status: reply.statusCode, body: reply.body, retryAfter: reply.headers['retry-after'] }).toEqual({
      status: ERROR_STATUS[code],
      body: { error: `a ${code} failure`, code },
      retryAfter: RETRY_AFTER_SECONDS[code] === undefined ? undefined : String(RETRY_AFTER_SECONDS[code]),
    });
  });

  it("the statuses upstream's SDKs branch on: 401, 404, 409, and the 503 whose text says \"arc instance\"", () => {
    expect(ERROR_STATUS).toMatchObject({ unauthenticated: 401, not_found: 404, conflict: 409, no_store_binding: 503, bad_request: 400, internal: 500 });
    const { reply } = answer(noStoreBinding('org_acme'));
    expect(reply.statusCode).toBe(503);
    expect((reply.body as ErrorBody).error).toContain('arc instance');
    expect(reply.body).toEqual({ error: 'no arc instance configured for this org', hint: 'ask an admin to run `memtrace org add-arc org_acme`', code: 'no_store_binding' });
  });
});

describe('HttpErrorFilter: everything else', () => {
  it("joins the messages of a validation exception and keeps Nest's 404 for an unknown route", () => {
    expect(answer(new BadRequestException(['limit must be an integer', 'since must be a string'])).reply.body).toEqual({ error: 'limit must be an integer; since must be a string' });
    const notFound = answer(new NotFoundException('Cannot GET /api/v1/nope')).reply;
    expect({ status: notFound.statusCode, body: notFound.body }).toEqual({ status: 404, body: { error: 'Cannot GET /api/v1/nope' } });
    expect(answer(new HttpException({ message: 'I am a teapot', statusCode: 418 }, 418)).reply).toMatchObject({ statusCode: 418, body: { error: 'I am a teapot' } });
  });

  it("names Fastify's body errors in upstream's words", () => {
    const fastify = (code: string, statusCode: number, message = 'fastify text') => Object.assign(new Error(message), { code, statusCode });
    const bodies = [
      fastify('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415),
      fastify('FST_ERR_CTP_EMPTY_JSON_BODY', 400),
      fastify('FST_ERR_CTP_INVALID_JSON_BODY', 400, "Unexpected token 'x'"),
    ].map((error) => ({ status: answer(error).reply.statusCode, body: answer(error).reply.body }));
    expect(bodies).toEqual([
      { status: 415, body: { error: 'invalid request body: Content-Type must be application/json', code: 'bad_request' } },
      { status: 400, body: { error: 'invalid request body: empty JSON body', code: 'bad_request' } },
      { status: 400, body: { error: "invalid request body: Unexpected token 'x'", code: 'bad_request' } },
    ]);
  });

  it('a 5xx from Fastify, a thrown string and a thrown null are all the generic 500: nothing of them reaches the client', () => {
    for (const exception of [Object.assign(new Error('socket hang up at 10.0.0.7'), { code: 'FST_ERR_SOMETHING', statusCode: 502 }), 'postgres password=hunter2', null]) {
      const { reply, logged } = answer(exception);
      expect({ status: reply.statusCode, body: reply.body }).toEqual({ status: 500, body: { error: 'internal error (request id req-1)', code: 'internal' } });
      expect(logged).toHaveLength(1);
    }
  });

  it('an error whose code is not a string (a DOMException timeout) is still answered: a 500, not a crash in the filter', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { reply, logged } = answer(timeout);
    expect({ status: reply.statusCode, body: reply.body }).toEqual({ status: 500, body: { error: 'internal error (request id req-1)', code: 'internal' } });
    expect(logged).toEqual([expect.objectContaining({ msg: 'unhandled error' })]);
    // The same as the cause of an HTTP exception: its own status and message.
    expect(answer(new HttpException('Gateway Timeout', 504, { cause: timeout })).reply).toMatchObject({ statusCode: 504, body: { error: 'Gateway Timeout' } });
  });

  it('logs the stack of an unknown failure (for the operator), not in the body', () => {
    const { reply, logged } = answer(new TypeError("Cannot read properties of undefined (reading 'orgId')"));
    expect(JSON.stringify(reply.body)).not.toContain('orgId');
    expect((logged[0] as { err: { stack: string; type: string } }).err).toMatchObject({ type: 'TypeError', stack: expect.stringContaining('http-error.filter.spec.ts') });
  });

  it('tells the listener what it answered, with the exception it answered for', () => {
    const heard: unknown[] = [];
    const reply = new FakeReply();
    const request = { id: 'req-9', url: '/api/v1/memories' };
    const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) } as unknown as ArgumentsHost;
    const exception = new AppError('forbidden', "API key lacks the 'write' scope");
    new HttpErrorFilter(pino({ level: 'silent' }), (...args) => void heard.push(args)).catch(exception, host);
    expect(heard).toEqual([[request, 403, { error: "API key lacks the 'write' scope", code: 'forbidden' }, exception]]);
  });
});

describe('HttpErrorFilter on a real Fastify reply', () => {
  it('sends the status, the JSON body, its content type and Retry-After on the wire', async () => {
    const app = Fastify();
    const filter = new HttpErrorFilter(pino({ level: 'silent' }));
    const hostOf = (request: FastifyRequest, reply: FastifyReply) => ({ switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) }) as unknown as ArgumentsHost;
    app.get('/busy', (request, reply) => filter.catch(new AppError('store_busy', 'too many reads for this org', 'retry in a second'), hostOf(request, reply)));
    app.get('/limited', (request, reply) => {
      reply.header('retry-after', '12');
      filter.catch(new AppError('rate_limited', 'rate limit exceeded'), hostOf(request, reply));
    });
    app.get('/boom', (request, reply) => filter.catch(new Error('boom'), hostOf(request, reply)));
    app.setErrorHandler((error, request, reply) => sendFrameworkError(error as Error & { statusCode?: number }, request, reply));
    try {
      const busy = await app.inject({ method: 'GET', url: '/busy' });
      expect({ status: busy.statusCode, type: busy.headers['content-type'], retryAfter: busy.headers['retry-after'], body: busy.json() }).toEqual({
        status: 503,
        type: 'application/json; charset=utf-8',
        retryAfter: '1',
        body: { error: 'too many reads for this org', hint: 'retry in a second', code: 'store_busy' },
      });
      const limited = await app.inject({ method: 'GET', url: '/limited' });
      expect({ status: limited.statusCode, retryAfter: limited.headers['retry-after'] }).toEqual({ status: 429, retryAfter: '12' });
      const boom = await app.inject({ method: 'GET', url: '/boom' });
      expect({ status: boom.statusCode, body: boom.json() }).toEqual({ status: 500, body: { error: expect.stringMatching(/^internal error \(request id req-\w+\)$/), code: 'internal' } });
      expect(boom.body).not.toContain('boom');
    } finally {
      await app.close();
    }
  });
});

describe('sendFrameworkError', () => {
  it("answers what the router refuses in the same body, with Fastify's status or 400", async () => {
    const sent = (error: Error & { code?: string; statusCode?: number }) => {
      const reply = new FakeReply();
      sendFrameworkError(error, {} as FastifyRequest, reply as unknown as FastifyReply);
      return { status: reply.statusCode, type: reply.headers['content-type'], body: reply.body };
    };
    expect(sent(Object.assign(new Error("'/%E0' is not a valid url component"), { code: 'FST_ERR_BAD_URL', statusCode: 400 }))).toEqual({
      status: 400,
      type: 'application/json; charset=utf-8',
      body: { error: 'invalid URL: not valid percent-encoded UTF-8', code: 'bad_request' },
    });
    expect(sent(Object.assign(new Error('too long'), { code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414 }))).toMatchObject({ status: 414, body: { error: 'invalid URL: a path parameter is too long' } });
    expect(sent(Object.assign(new Error('odd'), { code: 'FST_ERR_WHATEVER' })).status).toBe(400);
  });
});
