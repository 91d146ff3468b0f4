import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { badRequest, optionalId, parseOrder, tagList, typeList, withoutUndefined } from '../request-parsing/filter-fields.util';
import { bodyInteger, bodyNumber, bodyString, bodyStrings, foldFields, optionalObjectBody } from '../request-parsing/json-body.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { DEFAULT_SEARCH_LIMIT, readLimit } from '../request-parsing/read-limits.util';
import { resolveSinceUs, resolveUntilUs } from '../request-parsing/time-window.util';

/** `content_contains` is free text the store escapes; this bounds the LIKE pattern, not the alphabet. */
export const MAX_CONTENT_CONTAINS_CHARS = 1000;

const FIELDS = [
  'agent_id',
  'session_id',
  'memory_types',
  'event_types',
  'tags',
  'content_contains',
  'min_importance',
  'since',
  'until',
  'limit',
  'order',
] as const;

/**
 * `POST /api/v1/search` (upstream §7.6). An absent or `null` body means all defaults; any other
 * non-object, or a field of the wrong JSON type, is 400 `invalid request body: …`. `limit`: default
 * 50, `> 1000` → 1000, `<= 0` is 400 as on the lists. `min_importance` applies only when > 0. No offset.
 */
export function parseSearchBody(body: unknown, scope: ReadScope): MemoryQuery {
  const object = optionalObjectBody(body);
  if (object === undefined) return { filter: { orgId: scope.orgId }, order: 'desc', limit: DEFAULT_SEARCH_LIMIT };
  const fields = foldFields(object, FIELDS);

  const filter: MemoryFilter = {
    orgId: scope.orgId,
    agentId: optionalId('agent_id', bodyString(fields, 'agent_id')),
    sessionId: optionalId('session_id', bodyString(fields, 'session_id')),
    memoryTypes: typeList('memory_types', bodyStrings(fields, 'memory_types'), () => 'invalid memory_type'),
    eventTypes: typeList('event_types', bodyStrings(fields, 'event_types'), () => 'invalid event_type'),
    tags: tagList(bodyStrings(fields, 'tags')),
    contentContains: contentContains(bodyString(fields, 'content_contains')),
    minImportance: positive(bodyNumber(fields, 'min_importance')),
    sinceUs: resolveSinceUs(bodyString(fields, 'since'), scope.nowUs),
    untilUs: resolveUntilUs(bodyString(fields, 'until'), scope.nowUs),
  };
  return {
    filter: withoutUndefined(filter),
    order: parseOrder(bodyString(fields, 'order')),
    limit: readLimit(bodyInteger(fields, 'limit'), DEFAULT_SEARCH_LIMIT),
  };
}

function contentContains(text: string): string | undefined {
  if (text === '') return undefined;
  // The store's SQL literals cannot carry NUL and drop it, which would widen the filter ("\u0000"
  // alone matched every memory): refuse it rather than answer rows that do not contain the text.
  if (text.includes('\0')) badRequest('content_contains cannot contain NUL characters');
  // Cheap bounds first: a code point is one or two UTF-16 units.
  const over = text.length > 2 * MAX_CONTENT_CONTAINS_CHARS || (text.length > MAX_CONTENT_CONTAINS_CHARS && Array.from(text).length > MAX_CONTENT_CONTAINS_CHARS);
  if (over) badRequest(`content_contains is over ${MAX_CONTENT_CONTAINS_CHARS} characters`);
  return text;
}

/** Upstream applied `importance >= x` only for x > 0; 0 and negatives mean no bound. */
function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}
