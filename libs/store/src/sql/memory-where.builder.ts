import type { MemoryFilter } from '@memtrace/contracts';
import {
  containsPattern,
  doubleLiteral,
  refuse,
  requireText,
  stringLiteral,
  timestampLiteral,
} from './sql-literal.util';

/**
 * The WHERE predicate (without the keyword) for a filter. `filter/memory-filter.predicate.ts` is its
 * in-memory twin; change both together. Values are treated as hostile even though callers validate
 * them: each one goes through `sql-literal.util.ts`, and only fixed column names are emitted.
 */
export function buildMemoryWhere(filter: MemoryFilter): string {
  if (typeof filter !== 'object' || filter === null) refuse('filter must be an object');
  const orgId = requireText(filter.orgId, 'orgId');
  if (orgId === '') refuse('orgId is required');

  const clauses = [`org_id = ${stringLiteral(orgId)}`];
  if (filter.ids !== undefined) clauses.push(inClause('id', filter.ids, 'ids'));
  if (filter.agentId !== undefined) clauses.push(`agent_id = ${stringLiteral(requireText(filter.agentId, 'agentId'))}`);
  if (filter.agentIds !== undefined) clauses.push(inClause('agent_id', filter.agentIds, 'agentIds'));
  if (filter.sessionId !== undefined) clauses.push(`session_id = ${stringLiteral(requireText(filter.sessionId, 'sessionId'))}`);
  if (filter.memoryTypes !== undefined) clauses.push(inClause('memory_type', filter.memoryTypes, 'memoryTypes'));
  if (filter.eventTypes !== undefined) clauses.push(inClause('event_type', filter.eventTypes, 'eventTypes'));
  // Whole-tag match (upstream's LIKE '%tag%' also matched `golang` for `go`), AND across tags.
  for (const tag of textList(filter.tags, 'tags')) {
    clauses.push(`list_contains(string_split(tags_csv, ','), ${stringLiteral(tag)})`);
  }
  if (filter.contentContains !== undefined) {
    clauses.push(`content LIKE ${containsPattern(requireText(filter.contentContains, 'contentContains'))} ESCAPE '\\'`);
  }
  if (filter.minImportance !== undefined) clauses.push(`importance >= ${doubleLiteral(filter.minImportance, 'minImportance')}`);
  if (filter.sinceUs !== undefined) clauses.push(`time > ${timestampLiteral(filter.sinceUs, 'sinceUs')}`);
  if (filter.untilUs !== undefined) clauses.push(`time < ${timestampLiteral(filter.untilUs, 'untilUs')}`);
  if (filter.after !== undefined) {
    if (typeof filter.after !== 'object' || filter.after === null) refuse('after must be an object');
    const time = timestampLiteral(filter.after.timeUs, 'after.timeUs');
    // `time >= t` on its own, so the store prunes by time (zone maps, Arc's partitions) before the tie-break.
    clauses.push(`time >= ${time} AND (time > ${time} OR id > ${stringLiteral(requireText(filter.after.id, 'after.id'))})`);
  }
  return clauses.join(' AND ');
}

/** `col IN ('a', 'b')`; an empty list matches nothing, as the predicate's `[].some` does. */
export function inClause(column: string, values: unknown, what: string): string {
  const list = textList(values, what);
  return list.length === 0 ? 'FALSE' : `${column} IN (${list.map(stringLiteral).join(', ')})`;
}

function textList(values: unknown, what: string): string[] {
  if (values === undefined) return [];
  if (!Array.isArray(values)) refuse(`${what} must be a list of strings`);
  return values.map((v) => requireText(v, what));
}
