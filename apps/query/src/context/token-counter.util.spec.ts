import fc from 'fast-check';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
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

describe('o200kTokenCounter.isAdditiveAt', () => {
  const count = (text: string) => o200kTokenCounter.count(text);
  const additive = (before: string, after: string) => o200kTokenCounter.isAdditiveAt?.(before, after) ?? false;

  it('is argued from this split pattern: a gpt-tokenizer that changes it needs the argument re-checked', () => {
    expect(O200K_TOKEN_SPLIT_REGEX.source).toBe(
      String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
    );
  });

  it('refuses the joins where the pieces merge', () => {
    expect(count('x\n\n')).not.toBe(count('x\n') + count('\n'));
    expect(additive('x\n', '\n')).toBe(false);
    expect(additive('x.\n', '/y')).toBe(false);
    expect(additive('x\n', ' y')).toBe(false);
    expect(additive('x', '- y')).toBe(false);
    expect(additive('x\n', '- y')).toBe(true);
  });

  it('holds wherever it is claimed, on text made of the characters that merge', () => {
    const part = fc
      .array(fc.constantFrom('a', 'Ab', ' ', '  ', '\t', '\u00a0', '\u2028', '/', '.', '—', '-', '#', '_', '\n', '\r', '\r\n', '7', '123', '日本', '👍', "'s", 'é'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(part, part, (line, after) => {
        const before = `${line}\n`;
        if (additive(before, after)) expect(count(before + after)).toBe(count(before) + count(after));
      }),
      { numRuns: 5000 },
    );
  });
});
