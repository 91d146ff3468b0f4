/** Appended to cut text: three ASCII dots, as upstream's 80-byte hint did. */
export const CUT_MARK = '...';

/**
 * A grapheme of more UTF-16 units than this (e.g. hundreds of stacked combining marks) is not worth
 * keeping whole: past it we cut at a code point boundary so one abusive "character" cannot blow the
 * line cap.
 */
const MAX_UNITS_PER_CHAR = 8;

const SIMPLE_PREFIX = /^[\t\x20-\x7e]*$/;

// 'en' pinned so the output does not depend on the host locale (grapheme rules barely vary anyway).
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * At most `maxChars` user-perceived characters (grapheme clusters) of `text`, then `...` when
 * anything was cut. Never splits a surrogate pair, an emoji sequence or a letter from its combining
 * marks (upstream cut at 80 bytes, mid-character). Trailing whitespace before the mark is dropped.
 */
export function cutText(text: string, maxChars: number): string {
  // UTF-16 units >= graphemes, so a short string needs no segmentation.
  if (text.length <= maxChars) return text;
  // Fast path (segmenting costs about 1 µs per character): printable ASCII and tabs are one
  // grapheme per unit and never extend the character before them, so when the first maxChars + 1
  // units are all such, cutting at maxChars is a grapheme boundary.
  if (SIMPLE_PREFIX.test(text.slice(0, maxChars + 1))) return withMark(text, maxChars);
  const maxUnits = maxChars * MAX_UNITS_PER_CHAR;
  let seen = 0;
  for (const index of graphemeStarts(text)) {
    if (seen === maxChars || index > maxUnits) return withMark(text, cutAt(text, Math.min(index, maxUnits)));
    seen += 1;
  }
  return text.length > maxUnits ? withMark(text, cutAt(text, maxUnits)) : text;
}

/**
 * The start index of every grapheme of `text`, exactly as `Intl.Segmenter` gives them, segmenting
 * only around the characters that need it (a 500-character line with one em dash took ~300 µs
 * segmented whole). Between two simple characters (printable ASCII or tab) there is always a
 * boundary: every rule of UAX #29 that joins two characters needs a non-ASCII one (CR LF aside), and
 * the rules that look back (emoji ZWJ sequences, regional-indicator pairs, Indic conjuncts) only
 * look back through non-ASCII characters. So the text splits at those boundaries into single
 * simple characters, and stretches that are segmented on their own with the same result.
 */
export function* graphemeStarts(text: string): Generator<number> {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isSimple(text, i) && (i + 1 === n || isSimple(text, i + 1))) {
      yield i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !(isSimple(text, j - 1) && isSimple(text, j))) j++;
    for (const { index } of graphemes.segment(text.slice(i, j))) yield i + index;
    i = j;
  }
}

function isSimple(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 0x09 || (code >= 0x20 && code <= 0x7e);
}

/** Moves a cut point back off the middle of a surrogate pair. */
function cutAt(text: string, units: number): number {
  const before = text.charCodeAt(units - 1);
  const after = text.charCodeAt(units);
  const splitsPair = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return splitsPair ? units - 1 : units;
}

function withMark(text: string, units: number): string {
  return `${text.slice(0, units).trimEnd()}${CUT_MARK}`;
}
