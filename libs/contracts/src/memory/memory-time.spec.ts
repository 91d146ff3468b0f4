import fc from 'fast-check';
import { formatTimeUs, nowUs, parseTimeUs } from './memory-time';

describe('memory time', () => {
  it("formats µs as Go's RFC3339Nano (trailing zeros trimmed)", () => {
    expect(formatTimeUs(Date.UTC(2026, 1, 8, 12) * 1000)).toBe('2026-02-08T12:00:00Z');
    expect(formatTimeUs(Date.UTC(2026, 1, 8, 12) * 1000 + 500_000)).toBe('2026-02-08T12:00:00.5Z');
    expect(formatTimeUs(Date.UTC(2026, 1, 7, 20, 15) * 1000 + 123_456)).toBe('2026-02-07T20:15:00.123456Z');
    expect(formatTimeUs(Date.UTC(2026, 1, 7, 20, 15) * 1000 + 1)).toBe('2026-02-07T20:15:00.000001Z');
  });

  it('parses RFC 3339 back to the same µs, with any fraction and offset', () => {
    for (const us of [1763780400123456, 1763780400000000, 1763780400000001]) expect(parseTimeUs(formatTimeUs(us))).toBe(us);
    expect(parseTimeUs('2026-02-08T13:00:00+01:00')).toBe(Date.UTC(2026, 1, 8, 12) * 1000);
    expect(parseTimeUs('2026-02-08T12:00:00.123456789Z')).toBe(Date.UTC(2026, 1, 8, 12) * 1000 + 123456);
    expect(parseTimeUs('2026-02-08 12:00:00Z')).toBe(Date.UTC(2026, 1, 8, 12) * 1000);
  });

  it('round-trips every safe µs value, before and after 1970', () => {
    fc.assert(fc.property(fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n)), (us) => parseTimeUs(formatTimeUs(us)) === us));
    expect(formatTimeUs(-1)).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => formatTimeUs(1.5)).toThrow(RangeError);
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'yesterday', '2026-02-08', '2026-02-08T12:00:00', "2026-02-08T12:00:00Z' OR 1=1", '2026-13-40T99:00:00Z', '2026-02-30T12:00:00Z']) {
      expect(parseTimeUs(bad)).toBeUndefined();
    }
  });

  it('now is µs and close to the wall clock', () => {
    const us = nowUs();
    expect(Number.isSafeInteger(us)).toBe(true);
    expect(Math.abs(us / 1000 - Date.now())).toBeLessThan(1000);
  });
});
