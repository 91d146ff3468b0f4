import { o200kTokenCounter } from './token-counter.util';

describe('o200kTokenCounter', () => {
  it('counts with o200k_base', () => {
    expect(o200kTokenCounter.count('hello world')).toBe(2);
    expect(o200kTokenCounter.count('')).toBe(0);
  });

  it('counts special-token strings as plain text instead of throwing', () => {
    expect(o200kTokenCounter.count('a <|endoftext|> b')).toBeGreaterThan(3);
    expect(o200kTokenCounter.countWithin?.('a <|endoftext|> b', 100)).toBe(o200kTokenCounter.count('a <|endoftext|> b'));
  });

  it('countWithin gives the count within the limit and false above it', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const tokens = o200kTokenCounter.count(text);
    expect(o200kTokenCounter.countWithin?.(text, tokens)).toBe(tokens);
    expect(o200kTokenCounter.countWithin?.(text, tokens - 1)).toBe(false);
  });
});
