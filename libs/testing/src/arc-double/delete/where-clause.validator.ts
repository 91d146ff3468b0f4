// Arc's checks on the `where` of a delete request (reference/arc.md §4.1). They look at the
// text only; a clause that passes but fails in DuckDB simply matches nothing, as on Arc.

export class WhereClauseError extends Error {}

const FORBIDDEN_KEYWORD =
  /\b(DROP|DELETE|INSERT|UPDATE|EXEC|EXECUTE|UNION|SELECT|CREATE|ALTER|COPY|ATTACH|DETACH|LOAD|INSTALL|PRAGMA|CALL|SET)\b/i;
const FULL_TABLE_PREDICATES = ['1=1', 'TRUE', '1'];

/** Returns true for a full-table predicate (1=1, TRUE, 1), which needs `confirm`. */
export function validateWhereClause(where: string): boolean {
  if (where.trim() === '') {
    throw new WhereClauseError("WHERE clause is required. To delete all data, use WHERE clause '1=1' with confirm=true");
  }
  let upper = where.trim().toUpperCase();
  // Arc strips a leading WHERE for these checks only; the executed SQL keeps it.
  if (upper.startsWith('WHERE ')) upper = upper.slice(6).trim();
  for (const pattern of [';', '--', '/*']) {
    if (upper.includes(pattern)) throw new WhereClauseError(`WHERE clause contains forbidden pattern: ${pattern}`);
  }
  const keyword = FORBIDDEN_KEYWORD.exec(where);
  if (keyword) throw new WhereClauseError(`WHERE clause contains forbidden keyword: ${keyword[1].toUpperCase()}`);
  // Arc compares these lower-case prefixes with the upper-cased clause, so they never match;
  // kept that way on purpose (a client cannot rely on them being refused).
  for (const pattern of ['xp_', 'sp_']) {
    if (upper.includes(pattern)) throw new WhereClauseError(`WHERE clause contains forbidden pattern: ${pattern}`);
  }
  if ((where.match(/'/g) ?? []).length % 2 !== 0) throw new WhereClauseError('WHERE clause has unmatched quotes');
  if ((where.match(/\(/g) ?? []).length !== (where.match(/\)/g) ?? []).length) {
    throw new WhereClauseError('WHERE clause has unmatched parentheses');
  }
  return FULL_TABLE_PREDICATES.includes(upper);
}
