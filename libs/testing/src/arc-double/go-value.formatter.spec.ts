import { formatGoFloatF, formatGoFloatV, formatRfc3339, formatRfc3339Nano } from './go-value.formatter';

describe('Go value formatting', () => {
  it.each([
    [1.5, '1.5'],
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-0.000123, '-0.000123'],
    [123456789.125, '123456789.125'],
    [-0, '-0'],
    [0, '0'],
  ])('prints %p as strconv f: %s', (value, text) => {
    expect(formatGoFloatF(value)).toBe(text);
  });

  it('prints a float32 with the shortest digits that read back as that float32', () => {
    expect(formatGoFloatF(Math.fround(0.1), 32)).toBe('0.1');
    expect(formatGoFloatF(Math.fround(16777217), 32)).toBe('16777216');
  });

  it.each([
    [0.5, '0.5'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [0.00001, '1e-05'],
    [100, '100'],
  ])('prints %p as fmt %%v: %s', (value, text) => {
    expect(formatGoFloatV(value)).toBe(text);
  });

  it('prints RFC3339Nano with trimmed fractions', () => {
    const second = 1_787_234_602n * 1_000_000_000n;
    expect(formatRfc3339Nano(second)).toBe('2026-08-20T14:03:22Z');
    expect(formatRfc3339Nano(second + 500_000_000n)).toBe('2026-08-20T14:03:22.5Z');
    expect(formatRfc3339Nano(second + 123_456_000n)).toBe('2026-08-20T14:03:22.123456Z');
    expect(formatRfc3339Nano(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
  });

  it('prints RFC3339 with whole seconds', () => {
    expect(formatRfc3339(new Date('2026-08-20T14:03:22.987Z'))).toBe('2026-08-20T14:03:22Z');
  });
});
