import fc from 'fast-check';
import { cutText, graphemeStarts } from './text-cut.util';

describe('cutText', () => {
  it('leaves text within the cap alone', () => {
    expect(cutText('hello', 5)).toBe('hello');
    expect(cutText('', 5)).toBe('');
    // 5 graphemes in 10 UTF-16 units: within a cap of 5 characters.
    expect(cutText('😀😀😀😀😀', 5)).toBe('😀😀😀😀😀');
  });

  it('keeps the first maxChars characters and marks the cut', () => {
    expect(cutText('abcdefgh', 5)).toBe('abcde...');
  });

  it('drops whitespace left dangling before the mark', () => {
    expect(cutText('abcd  efgh', 6)).toBe('abcd...');
  });

  it('never splits a surrogate pair', () => {
    expect(cutText('😀😀😀😀😀😀', 3)).toBe('😀😀😀...');
    expect(cutText('a😀b', 1)).toBe('a...');
    expect(cutText('a😀b', 2)).toBe('a😀...');
  });

  it('never splits an emoji sequence or a letter from its combining marks', () => {
    const family = '👨‍👩‍👧'; // three emoji joined by ZWJ: one character
    expect(cutText(`${family}${family}${family}`, 2)).toBe(`${family}${family}...`);
    const flag = '🇫🇷'; // two regional indicators
    expect(cutText(`${flag}${flag}x`, 1)).toBe(`${flag}...`);
    const accented = 'e\u0301'; // e + combining acute
    expect(cutText(`${accented}${accented}${accented}`, 2)).toBe(`${accented}${accented}...`);
  });

  it('counts CJK and other multi-byte text by characters, not bytes', () => {
    expect(cutText('日本語のテキストです', 4)).toBe('日本語の...');
  });

  it('bounds an abusive grapheme (a letter with hundreds of combining marks) at a code point', () => {
    const zalgo = `a${'\u0301'.repeat(1000)}`;
    const cut = cutText(`${zalgo}b`, 10);
    expect(cut.length).toBeLessThanOrEqual(10 * 8 + 3);
    expect(cut.endsWith('...')).toBe(true);
    const stackedEmoji = `x${'😀\u200d'.repeat(100)}`;
    const cutEmoji = cutText(stackedEmoji, 2);
    expect(cutEmoji.endsWith('...')).toBe(true);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(cutEmoji)).toBe(false); // no lone high surrogate
  });
});

describe('cutText agrees with grapheme segmentation', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  it.each([
    ['ASCII then a combining mark right at the cut', `abcde\u0301fgh`, 4],
    ['ASCII then a combining mark just after the cut', `abcde\u0301fgh`, 5],
    ['ASCII then an emoji at the cut', 'abcd😀efg', 4],
    ['tabs', 'a\tb\tc\td', 3],
  ])('%s', (_, text, maxChars) => {
    const expected = `${[...segmenter.segment(text)].slice(0, maxChars).map((s) => s.segment).join('').trimEnd()}...`;
    expect(cutText(text, maxChars)).toBe(expected);
  });
});

describe('cutText property', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const textArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }));

  it('keeps exactly the first maxChars graphemes (when none is abusively long)', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 1, max: 40 }), (text, maxChars) => {
        const graphemes = [...segmenter.segment(text)].map((s) => s.segment);
        fc.pre(graphemes.slice(0, maxChars + 1).join('').length <= maxChars * 8);
        const expected = graphemes.length <= maxChars ? text : `${graphemes.slice(0, maxChars).join('').trimEnd()}...`;
        expect(cutText(text, maxChars)).toBe(expected);
      }),
    );
  });

  describe('graphemeStarts', () => {
    const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
    const whole = (text: string) => [...segmenter.segment(text)].map((g) => g.index);
    // ASCII beside everything that joins characters: combining marks, ZWJ and emoji, skin tones,
    // regional indicators, a Prepend (U+0600), Hangul jamo, Devanagari conjuncts, CR LF, lone surrogates.
    const pieces = ['a', 'Z', ' ', '\t', '-', '#', '1', '\r', '\n', '\r\n', '\u0301', '\u200d', '😀', '👨', '🏽', '🇫', '🇷', '\u0600', '\u1100', '\u1161', '\u11a8', 'क', '\u094d', 'ष', '—', 'é', '\ud800', '\udc00', '\ufe0f', '©'];

    it('gives exactly the segmenter\'s boundaries', () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
          const text = parts.join('');
          expect([...graphemeStarts(text)]).toEqual(whole(text));
        }),
        { numRuns: 3000 },
      );
    });

    it('agrees on long mixed lines and on arbitrary strings', () => {
      const line = `${'word '.repeat(30)}— 👨‍👩‍👧 e\u0301 🇫🇷 ${'x'.repeat(50)}\u0600a`;
      expect([...graphemeStarts(line)]).toEqual(whole(line));
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => expect([...graphemeStarts(text)]).toEqual(whole(text))), { numRuns: 2000 });
    });
  });
});

