// Arc's ValidateSQLRequest and header checks (reference/arc.md §3.4). They run before any
// rewrite and reject SQL plain DuckDB would happily execute, so a client whose SQL passes
// here would also pass on a real Arc. Keywords are matched outside literals and comments.
import { identifierName, SqlToken, tokenize } from './sql.lexer';

export class SqlValidationError extends Error {}

const MAX_SQL_LENGTH = 10_000;

// Arc's denylist, including the bare words: a column or alias named `set` or `load` is refused.
const DANGEROUS_SQL = new RegExp(
  [
    String.raw`\b(?:DROP\s+(?:TABLE|DATABASE|INDEX|VIEW)|DELETE\s+FROM|TRUNCATE\s+TABLE|ALTER\s+TABLE|CREATE\s+(?:TABLE|DATABASE|INDEX)|INSERT\s+INTO|UPDATE\s+\w+\s+SET)\b`,
    String.raw`\bATTACH\b`,
    String.raw`\bDETACH\b`,
    String.raw`\bCOPY\b`,
    String.raw`\bEXPORT\s+DATABASE\b`,
    String.raw`\bIMPORT\s+DATABASE\b`,
    String.raw`\bPRAGMA\b`,
    String.raw`\bSET\b`,
    String.raw`\bRESET\b`,
    String.raw`\bLOAD\b`,
    String.raw`\bINSTALL\b`,
    String.raw`\bCALL\b`,
    String.raw`\b(?:CREATE|DROP)\b[^;]*?\bSECRET\b`,
  ].join('|'),
  'i',
);

// DuckDB's file-reading table functions: only Arc's own rewrite may emit read_parquet.
const FILE_IO_FUNCTION = new RegExp(
  String.raw`\b(read_parquet|parquet_scan|parquet_metadata|parquet_file_metadata|parquet_kv_metadata|parquet_schema|parquet_bloom_probe|read_csv_auto|read_csv|sniff_csv|read_json_objects_auto|read_json_objects|read_json_auto|read_json|read_ndjson_objects|read_ndjson_auto|read_ndjson|read_text|read_blob|read_xlsx|glob|delta_scan|iceberg_\w+|arc_partition_agg)\s*\(`,
  'i',
);

const STRING_IN_TABLE_POSITION = /\b(?:FROM|JOIN)\s+__STR_\d+__/i;
const HEADER_DATABASE = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

export function validateSql(sql: string): void {
  if (sql.trim() === '') throw new SqlValidationError('SQL query is required');
  if (Buffer.byteLength(sql, 'utf8') > MAX_SQL_LENGTH) {
    throw new SqlValidationError(`SQL query exceeds maximum length (${MAX_SQL_LENGTH} characters)`);
  }
  const tokens = tokenize(sql);
  const normalised = render(tokens, 'mask');
  if (normalised.replace(/[ \t\n\r;]+$/, '').includes(';')) {
    throw new SqlValidationError('Multiple SQL statements are not allowed');
  }
  if (DANGEROUS_SQL.test(normalised)) throw new SqlValidationError('Dangerous SQL operation not allowed');
  // Quoted function names run like bare ones in DuckDB, so this check sees them unquoted.
  const unquoted = render(tokens, 'unquote');
  const io = FILE_IO_FUNCTION.exec(unquoted);
  if (io) throw new SqlValidationError(`File I/O function not allowed in user SQL: ${io[1]}()`);
  if (STRING_IN_TABLE_POSITION.test(unquoted)) {
    throw new SqlValidationError(
      'String literal not allowed in table position (replacement scans are disabled); reference a table by name',
    );
  }
}

/**
 * Text with comments blanked and string literals masked. Quoted identifiers are masked too
 * ('mask', for the keyword checks) or shown unquoted ('unquote', for the function checks).
 */
function render(tokens: SqlToken[], identifiers: 'mask' | 'unquote'): string {
  let masks = 0;
  return tokens
    .map((token) => {
      if (token.kind === 'comment') return token.text.startsWith('--') ? '\n' : ' ';
      if (token.kind === 'string') return `__STR_${masks++}__`;
      if (token.kind !== 'qident') return token.text;
      return identifiers === 'mask' ? `__STR_${masks++}__` : identifierName(token);
    })
    .join('');
}

/** The x-arc-database header check; returns Arc's message or null when the value is fine. */
export function headerDatabaseError(name: string): string | null {
  if (name === '') return null;
  if (name.length > 128) return 'invalid x-arc-database header: name too long (max 128 characters)';
  if (!HEADER_DATABASE.test(name)) {
    return 'invalid x-arc-database header: name contains invalid characters (allowed: alphanumeric, underscore, hyphen)';
  }
  return null;
}

/**
 * Arc's raw-text test for `FROM db.table` / `JOIN db.table` (hasCrossDatabaseSyntax): it looks
 * for "from " or "join " followed by identifier '.' identifier, ignoring quoting and comments.
 */
export function hasCrossDatabaseSyntax(sql: string): boolean {
  const lower = sql.toLowerCase();
  const isIdent = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);
  for (const keyword of ['from ', 'join ']) {
    let position = 0;
    for (;;) {
      const found = lower.indexOf(keyword, position);
      if (found < 0) break;
      let i = found + keyword.length;
      position = i;
      while (i < sql.length && (sql[i] === ' ' || sql[i] === '\t' || sql[i] === '\n')) i++;
      const start = i;
      while (i < sql.length && isIdent(sql[i])) i++;
      if (i === start || i >= sql.length) continue;
      if (sql[i] === '.' && isIdent(sql[i + 1])) return true;
    }
  }
  return false;
}
