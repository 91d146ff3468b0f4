// Arc turns every table reference into a read of that measurement's files (reference/arc.md
// §3.2): `FROM m` / `JOIN m` mean <header db or default>.m, `FROM db.m` means db.m. CTE names,
// function calls (`name(`), read_parquet / information_schema / pg_ / duckdb_ names and a FROM
// inside a function body (`EXTRACT(epoch FROM time)`) are left alone. Only the reference tokens
// are replaced, so join types, aliases and everything else keep their meaning.
import { identifierName, isWord, SqlToken, tokenize } from './sql.lexer';

export class CrossDatabaseReferenceError extends Error {}

/** Returns the SQL that reads one measurement (a subquery or a table function call). */
export type MeasurementSource = (database: string, measurement: string) => string;

const CTE_NAMES = /\bWITH\s+(?:RECURSIVE\s+)?(\w+)\s+AS\s*\(|,\s*(\w+)\s+AS\s*\(/gi;
const SKIPPED_PREFIXES = ['read_parquet', 'information_schema', 'pg_', 'duckdb_'];
const BARE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DB_PART = /^[a-zA-Z0-9_]+$/;
const QUOTED_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const SUBQUERY_START = ['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'PIVOT', 'UNPIVOT'];
const NOT_AN_ALIAS = new Set(
  ('WHERE GROUP ORDER LIMIT OFFSET HAVING WINDOW QUALIFY UNION EXCEPT INTERSECT JOIN INNER LEFT RIGHT FULL ' +
    'OUTER CROSS NATURAL ASOF POSITIONAL ANTI SEMI LATERAL ON USING SELECT FETCH TABLESAMPLE USING SAMPLE ' +
    'PIVOT UNPIVOT RETURNING').split(' '),
);

interface Replacement {
  start: number;
  end: number;
  text: string;
}

export function rewriteTableReferences(sql: string, headerDatabase: string, source: MeasurementSource): string {
  if (!/from|join/i.test(sql)) return sql;
  const tokens = tokenize(sql).filter((token) => token.kind !== 'space' && token.kind !== 'comment');
  const masked = tokenize(sql)
    .map((token) => (token.kind === 'string' ? "''" : token.kind === 'comment' ? ' ' : token.text))
    .join('');
  const cteNames = new Set([...masked.matchAll(CTE_NAMES)].map((m) => (m[1] ?? m[2]).toLowerCase()));
  const walker = new ReferenceWalker(tokens, cteNames, headerDatabase, source);
  const replacements = walker.collect();
  let result = '';
  let last = 0;
  for (const replacement of replacements.sort((a, b) => a.start - b.start)) {
    result += sql.slice(last, replacement.start) + replacement.text;
    last = replacement.end;
  }
  return result + sql.slice(last);
}

class ReferenceWalker {
  private readonly replacements: Replacement[] = [];

  constructor(
    private readonly tokens: SqlToken[],
    private readonly cteNames: Set<string>,
    private readonly headerDatabase: string,
    private readonly source: MeasurementSource,
  ) {}

  collect(): Replacement[] {
    const openParens: number[] = [];
    this.tokens.forEach((token, index) => {
      if (token.text === '(' && token.kind === 'punct') openParens.push(index);
      else if (token.text === ')' && token.kind === 'punct') openParens.pop();
      else if (isWord(token, 'JOIN')) this.tableItem(index + 1);
      else if (isWord(token, 'FROM') && this.isTableContext(index, openParens.at(-1))) this.fromList(index + 1);
    });
    return this.replacements;
  }

  /** A FROM directly in a statement or subquery; not the FROM of EXTRACT(x FROM y) and kin. */
  private isTableContext(fromIndex: number, openParen: number | undefined): boolean {
    if (openParen === undefined) return true;
    const first = this.tokens[openParen + 1];
    return openParen + 1 === fromIndex || isWord(first, ...SUBQUERY_START) || first?.text === '(';
  }

  private fromList(index: number): void {
    let next = this.tableItem(index);
    while (this.tokens[next]?.text === ',') next = this.tableItem(next + 1);
  }

  /** Handles one table item starting at `index`; returns the index just after it. */
  private tableItem(index: number): number {
    let i = index;
    if (isWord(this.tokens[i], 'LATERAL')) i++;
    const first = this.tokens[i];
    if (!first) return i;
    if (first.text === '(') return this.alias(this.skipParens(i));
    if (first.kind !== 'word' && first.kind !== 'qident') return i;
    const dotted = this.tokens[i + 1]?.text === '.' && isName(this.tokens[i + 2]);
    const last = dotted ? i + 2 : i;
    if (this.tokens[last + 1]?.text === '(') return this.alias(this.skipParens(last + 1));
    if (dotted && this.tokens[last + 1]?.text === '.') return last + 1;
    const text = dotted ? this.qualified(first, this.tokens[last]) : this.bare(first);
    if (text !== null) this.replacements.push({ start: first.start, end: this.tokens[last].end, text });
    return this.alias(last + 1);
  }

  private bare(token: SqlToken): string | null {
    const name = identifierName(token);
    const lower = name.toLowerCase();
    if (this.cteNames.has(lower)) return null;
    if (SKIPPED_PREFIXES.some((prefix) => lower.startsWith(prefix))) return null;
    if (token.kind === 'word' && !BARE_NAME.test(name)) return null;
    const database = this.headerDatabase || 'default';
    return this.source(database, token.kind === 'qident' ? validQuoted(name) : name);
  }

  private qualified(dbToken: SqlToken, measurementToken: SqlToken): string | null {
    const database = identifierName(dbToken);
    const measurement = identifierName(measurementToken);
    if (dbToken.kind === 'word' && measurementToken.kind === 'word') {
      if (!DB_PART.test(database) || !DB_PART.test(measurement)) return null;
    }
    if (this.headerDatabase) {
      throw new CrossDatabaseReferenceError(
        'Cross-database queries (db.table syntax) not allowed when x-arc-database header is set',
      );
    }
    const db = dbToken.kind === 'qident' ? validQuoted(database) : database;
    return this.source(db, measurementToken.kind === 'qident' ? validQuoted(measurement) : measurement);
  }

  /** Skips an optional alias (`AS x`, `x`, `x(a, b)`) after a table item. */
  private alias(index: number): number {
    let i = index;
    if (isWord(this.tokens[i], 'AS')) i++;
    const candidate = this.tokens[i];
    const isAlias =
      candidate?.kind === 'qident' || (candidate?.kind === 'word' && !NOT_AN_ALIAS.has(candidate.text.toUpperCase()));
    if (!isAlias) return index;
    i++;
    return this.tokens[i]?.text === '(' ? this.skipParens(i) : i;
  }

  private skipParens(open: number): number {
    let depth = 0;
    for (let i = open; i < this.tokens.length; i++) {
      const token = this.tokens[i];
      if (token.kind !== 'punct') continue;
      if (token.text === '(') depth++;
      else if (token.text === ')' && --depth === 0) return i + 1;
    }
    return this.tokens.length;
  }
}

function isName(token: SqlToken | undefined): boolean {
  return token?.kind === 'word' || token?.kind === 'qident';
}

/** A quoted name Arc cannot use as a path segment reads nothing (its sentinel directory). */
function validQuoted(name: string): string {
  return QUOTED_NAME.test(name) && name.length <= 128 ? name : '.arc-invalid-quoted-identifier';
}
