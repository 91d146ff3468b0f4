import { AppError } from '@memtrace/contracts';
import { parseAbsoluteTimeUs, parseRelativeWindowUs, resolveSinceUs, resolveUntilUs } from './time-window';

const MINUTE = 60_000_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 1, 8, 12) * 1000 + 123;

function errorOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseRelativeWindowUs (upstream ParseRelativeTime)', () => {
  it.each([
    ['1h', HOUR],
    ['24h', 24 * HOUR],
    ['8760h', 8760 * HOUR],
    ['1d', DAY],
    ['365d', 365 * DAY],
    ['1m', MINUTE],
    ['30m', 30 * MINUTE],
    ['8760m', 8760 * MINUTE],
    ['+2h', 2 * HOUR],
    ['007d', 7 * DAY],
    ['+0003m', 3 * MINUTE],
  ])('%s is a window', (text, us) => {
    expect(parseRelativeWindowUs(text)).toBe(us);
  });

  it.each([
    ['8761h', 'over the generic cap'],
    ['366d', 'over the day cap'],
    ['8761m', 'minutes share the generic cap of 8760'],
    ['525600m', 'the dead 525600 check never applies'],
    ['0h', 'zero'],
    ['000d', 'zero with leading zeros'],
    ['-1h', 'negative'],
    [' 1h', 'leading whitespace'],
    ['1h ', 'trailing whitespace'],
    ['1 h', 'inner whitespace'],
    ['h', 'too short'],
    ['1', 'no unit'],
    ['1H', 'units are case-sensitive'],
    ['1w', 'no week unit'],
    ['1s', 'no second unit'],
    ['1M', 'no month unit'],
    ['1y', 'no year unit'],
    ['1.5h', 'not an integer'],
    ['+h', 'sign without digits'],
    ['1_0h', 'no digit separators'],
    ['99999999999999999999h', 'beyond any integer'],
    ['', 'empty'],
  ])('%s is not a window (%s)', (text) => {
    expect(parseRelativeWindowUs(text)).toBeUndefined();
  });
});

describe('parseAbsoluteTimeUs', () => {
  const noon = Date.UTC(2026, 1, 8, 12) * 1000;
  it.each([
    ['2026-02-08T12:00:00Z', noon],
    ['2026-02-08T12:00:00.000001Z', noon + 1],
    ['2026-02-08T13:00:00+01:00', noon],
    ['2026-02-08 12:00:00Z', noon],
    ['2026-02-08T12:00:00', noon],
    ['2026-02-08T12:00:00.5', noon + 500_000],
    ['2026-02-08', Date.UTC(2026, 1, 8) * 1000],
  ])('%s', (text, us) => {
    expect(parseAbsoluteTimeUs(text)).toBe(us);
  });

  it('clamps timestamps beyond the safe-integer µs range (1684–2255) to it', () => {
    expect(parseAbsoluteTimeUs('9999-12-31T23:59:59Z')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseAbsoluteTimeUs('2999-01-01')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseAbsoluteTimeUs('0001-01-01T00:00:00Z')).toBe(Number.MIN_SAFE_INTEGER);
    expect(resolveUntilUs('9999-12-31', NOW)).toBe(Number.MAX_SAFE_INTEGER);
    expect(resolveSinceUs('2999-01-01T00:00:00Z', NOW)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['yesterday', '2026-02-08T12', '12:00:00', "2026-02-08T12:00:00Z' OR 1=1", '2026-13-01', 'now', '24'])('rejects %s', (text) => {
    expect(parseAbsoluteTimeUs(text)).toBeUndefined();
  });
});

describe('resolveSinceUs / resolveUntilUs (list and search)', () => {
  it('resolves relative windows against the given now', () => {
    expect(resolveSinceUs('2h', NOW)).toBe(NOW - 2 * HOUR);
    expect(resolveUntilUs('30m', NOW)).toBe(NOW - 30 * MINUTE);
  });

  it('takes timestamps as they are', () => {
    expect(resolveSinceUs('2026-02-07T20:15:00.123456Z', NOW)).toBe(Date.UTC(2026, 1, 7, 20, 15) * 1000 + 123_456);
    expect(resolveUntilUs('2026-02-08', NOW)).toBe(Date.UTC(2026, 1, 8) * 1000);
  });

  it('means no bound when empty, and until=now means no upper bound', () => {
    expect(resolveSinceUs('', NOW)).toBeUndefined();
    expect(resolveUntilUs('', NOW)).toBeUndefined();
    expect(resolveUntilUs('now', NOW)).toBeUndefined();
  });

  it('answers 400 naming the parameter for garbage (upstream: 500 from Arc)', () => {
    const error = errorOf(() => resolveSinceUs('last tuesday', NOW));
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.message).toBe("invalid since: 'last tuesday' is neither a relative window nor an RFC 3339 timestamp");
    expect(error.hint).toContain('2h');
    expect(errorOf(() => resolveUntilUs('1w', NOW)).message).toMatch(/^invalid until: '1w'/);
    // `now` is only special for until.
    expect(errorOf(() => resolveSinceUs('now', NOW)).message).toMatch(/^invalid since/);
  });

  it('says which range a relative value left', () => {
    expect(errorOf(() => resolveSinceUs('9000h', NOW)).message).toBe('invalid since: 9000h is out of range (h: 1-8760, d: 1-365, m (minutes): 1-8760)');
    expect(errorOf(() => resolveUntilUs('0d', NOW)).message).toMatch(/^invalid until: 0d is out of range/);
    expect(errorOf(() => resolveSinceUs('-5m', NOW)).message).toMatch(/^invalid since: -5m is out of range/);
  });

  it('does not echo a huge value back', () => {
    const message = errorOf(() => resolveSinceUs('x'.repeat(5000), NOW)).message;
    expect(message.length).toBeLessThan(200);
    expect(message).toContain(`'${'x'.repeat(64)}...'`);
  });
});
