import { countTokens, isWithinTokenLimit } from 'gpt-tokenizer/encoding/o200k_base';

/** Counts tokens of a text; injectable so the renderer can be driven with another encoding. */
export interface TokenCounter {
  count(text: string): number;
  /**
   * The count when it is at most `limit`, else false. Lets a tokenizer stop early on a text that
   * is far over budget; without it, `count` is used.
   */
  countWithin?(text: string, limit: number): number | false;
}

/**
 * Memory content is untrusted text: by default gpt-tokenizer *throws* on a special-token string
 * such as `<|endoftext|>`. An empty disallow-list makes it count such strings as ordinary text,
 * which is also how they reach a model that gets the context pasted into a prompt.
 */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** o200k_base: the encoding of the GPT-4o / GPT-4.1 / o-series / GPT-5 families. */
export const o200kTokenCounter: TokenCounter = {
  count: (text) => countTokens(text, AS_PLAIN_TEXT),
  countWithin: (text, limit) => isWithinTokenLimit(text, limit, AS_PLAIN_TEXT),
};
