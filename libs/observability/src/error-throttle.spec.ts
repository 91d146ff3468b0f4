import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { ErrorThrottle } from './error-throttle';
import { createLogger } from './logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', name: 'test', destination }) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

describe('ErrorThrottle', () => {
  it('logs an outage of its sources once and their recovery once, however often they retry', () => {
    const { lines, logger } = capture();
    const throttle = new ErrorThrottle(logger, 'redis connection error');
    const [a, b] = [new EventEmitter(), new EventEmitter()];
    throttle.watch(a, { recoveredOn: 'ready' });
    throttle.watch(b, { recoveredOn: 'ready' });
    for (let retry = 0; retry < 20; retry++) {
      a.emit('error', refused());
      b.emit('error', refused());
    }
    a.emit('ready');
    // b is still down: not recovered yet, and its retries stay quiet.
    b.emit('error', refused());
    b.emit('ready');
    expect(lines.map((l) => [l.level, l.msg, l.err, l.code, l.suppressed])).toEqual([
      ['warn', 'redis connection error', 'connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED', undefined],
      ['info', 'redis connection error: recovered', undefined, undefined, 40],
    ]);
    // The next outage is a new state: logged again.
    a.emit('error', refused());
    expect(lines).toHaveLength(3);
  });

  it('logs a different error at once, and a repeat again once the window has passed, with the count', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { lines, logger } = capture();
      const throttle = new ErrorThrottle(logger, 'ingest queue error', 1_000);
      const queue = new EventEmitter();
      throttle.watch(queue, { fields: { orgId: 'org_a' } });
      for (let retry = 0; retry < 3; retry++) queue.emit('error', refused());
      queue.emit('error', new Error('Missing lock for job 1'));
      jest.setSystemTime(999);
      queue.emit('error', new Error('Missing lock for job 1'));
      jest.setSystemTime(2_000);
      queue.emit('error', new Error('Missing lock for job 1'));
      expect(lines.map((l) => [l.err, l.orgId, l.suppressed])).toEqual([
        ['connect ECONNREFUSED 127.0.0.1:6379', 'org_a', undefined],
        ['Missing lock for job 1', 'org_a', 2],
        ['Missing lock for job 1', 'org_a', 1],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps an emitter from throwing or printing on an error nobody else listens to', () => {
    const { logger } = capture();
    const source = new EventEmitter();
    new ErrorThrottle(logger, 'x').watch(source);
    expect(() => source.emit('error', new Error('boom'))).not.toThrow();
  });
});
