import { countTokens, isWithinTokenLimit } from 'gpt-tokenizer/encoding/o200k_base';

/** Counts tokens of a text; injectable so the renderer can be driven with another encoding. */
export interface TokenCounter {
  count(text: string): number;
  /**
   * The count when it is at most `limit`, else false. Lets a tokenizer stop early on a text that
   * is far over budget; without it, `count` is used.
   */
  countWithin?(text: string, limit: number): number | false;
  /**
   * True only where `count(before + after) === count(before) + count(after)` is guaranteed. Lets
   * the renderer count a candidate text from the counts of its parts, each part counted once per
   * render; without it, every candidate is counted whole.
   */
  isAdditiveAt?(before: string, after: string): boolean;
}

/**
 * Memory content is untrusted text: by default gpt-tokenizer *throws* on a special-token string
 * such as `<|endoftext|>`. An empty disallow-list makes it count such strings as ordinary text,
 * which is also how they reach a model that gets the context pasted into a prompt.
 */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const STARTS_WITH_SPACE_OR_SLASH = /^[\s/]/;

/**
 * With no special tokens recognised, gpt-tokenizer's count is the sum, over the matches of the
 * o200k split pattern, of each match's BPE tokens: BPE never merges across matches. So the count is
 * additive at `before`|`after` when splitting `before + after` there gives the matches of `before`
 * followed by those of `after`. That holds when `before` ends in '\n' and `after` starts with
 * neither whitespace nor '/', because of the pattern's alternatives (it has no lookbehind, so the
 * matches from the join on are those of `after`; a match starting in `before` reads past its final
 * '\n' only in ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, `\s*[\r\n]+`, `\s+(?!\S)` and `\s+`):
 * - `[\r\n/]`, `\s` and `[\r\n]` cannot take the next character, exactly as at the end of the text;
 * - `(?!\S)` would fail at the join where it succeeds at the end, but `\s+(?!\S)` is only tried
 *   where `\s*[\r\n]+` failed, and that one always matches a whitespace run that ends in '\n'.
 * A blank line or indentation after the '\n' ('\n\n' is one match) or a '/' (`.\n/` is one match)
 * is a join that is not additive. The pattern this argument is about is pinned in the spec.
 */
export const o200kTokenCounter: TokenCounter = {
  count: (text) => countTokens(text, AS_PLAIN_TEXT),
  countWithin: (text, limit) => isWithinTokenLimit(text, limit, AS_PLAIN_TEXT),
  isAdditiveAt: (before, after) => before.endsWith('\n') && !STARTS_WITH_SPACE_OR_SLASH.test(after),
};
