import { maskToken } from './token-mask';

describe('maskToken (upstream show-arc rule)', () => {
  it('keeps the first and last 4 characters of long tokens', () => {
    expect(maskToken('supersecrettoken123')).toBe('supe***********n123');
    expect(maskToken('123456789')).toBe('1234*6789');
  });

  it('hides short tokens completely and marks a missing one', () => {
    expect(maskToken('12345678')).toBe('********');
    expect(maskToken('abc')).toBe('***');
    expect(maskToken(undefined)).toBe('(empty)');
    expect(maskToken('')).toBe('(empty)');
  });
});
