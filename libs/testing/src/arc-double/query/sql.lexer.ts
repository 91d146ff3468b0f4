// A tokenizer just precise enough for Arc's checks: they must ignore keywords inside string
// literals, quoted identifiers and comments, and the table-reference rewrite must find FROM /
// JOIN positions without touching anything else in the text.

export type TokenKind = 'word' | 'qident' | 'string' | 'number' | 'punct' | 'space' | 'comment';

export interface SqlToken {
  kind: TokenKind;
  /** The exact source text (quotes included for `string` and `qident`). */
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

export function tokenize(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end), start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end])) end++;
      push('space', end);
    } else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close === -1 ? sql.length : close + 2);
    } else if (ch === "'") {
      push('string', quotedEnd(sql, i, "'"));
    } else if (ch === '"' || ch === '`') {
      push('qident', quotedEnd(sql, i, ch));
    } else if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      push('word', end);
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next ?? ''))) {
      let end = i + 1;
      while (end < sql.length && /[0-9A-Za-z_.]/.test(sql[end])) end++;
      push('number', end);
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

/** End offset of a quoted run starting at `start`; a doubled quote is an escaped quote. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/** The name inside a quoted identifier token, or the word itself. */
export function identifierName(token: SqlToken): string {
  if (token.kind !== 'qident') return token.text;
  const quote = token.text[0];
  const inner = token.text.endsWith(quote) && token.text.length > 1 ? token.text.slice(1, -1) : token.text.slice(1);
  return inner.split(quote + quote).join(quote);
}

export function isWord(token: SqlToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}
