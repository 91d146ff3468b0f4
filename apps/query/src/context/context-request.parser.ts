import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { badRequest, requiredId, typeList, withoutUndefined } from '../request-parsing/filter-fields.util';
import { bodyStrings, BodyFields, bodyString, foldFields, optionalObjectBody } from '../request-parsing/json-body.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { CONTEXT_ROW_LIMIT } from '../request-parsing/read-limits.util';
import { DEFAULT_WINDOW, resolveSinceUs } from '../request-parsing/time-window.util';
import { ContextSubject } from './context-layout.util';

/** Larger budgets are clamped: 100 capped lines never come near it, so it only bounds silly input. */
export const MAX_CONTEXT_TOKENS = 200_000;

const FIELDS = ['since', 'include_types', 'max_tokens'] as const;

export interface ContextRequest {
  subject: ContextSubject;
  /** Newest first, at most 100 rows, as upstream queried them. */
  query: MemoryQuery;
  /** Token budget; undefined renders every row (upstream's behaviour, which ignored max_tokens). */
  maxTokens: number | undefined;
}

/** `POST /api/v1/sessions/:id/context` (upstream §8). */
export function parseSessionContextRequest(sessionId: string, body: unknown, scope: ReadScope): ContextRequest {
  const id = requiredId('session_id', sessionId);
  return build({ kind: 'session', id }, { sessionId: id }, body, scope);
}

/** `POST /api/v1/agents/:id/context` (new): the same body, over the agent's memories in all sessions. */
export function parseAgentContextRequest(agentId: string, body: unknown, scope: ReadScope): ContextRequest {
  const id = requiredId('agent_id', agentId);
  return build({ kind: 'agent', id }, { agentId: id }, body, scope);
}

/**
 * The body is optional: absent or `null` (the Go SDK's nil options) → defaults: since 24h, all
 * types, no budget. It is validated as search and the lists are: another non-object, a field of the
 * wrong type, or a `since` that is neither a window in range nor a timestamp is 400 (upstream fell
 * back to the defaults for all of these, hiding the client's mistake).
 */
function build(subject: ContextSubject, scoped: Pick<MemoryFilter, 'sessionId' | 'agentId'>, body: unknown, scope: ReadScope): ContextRequest {
  const object = optionalObjectBody(body);
  const fields: BodyFields = object === undefined ? {} : foldFields(object, FIELDS);
  const since = bodyString(fields, 'since') || DEFAULT_WINDOW;
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    ...scoped,
    memoryTypes: typeList('include_types', bodyStrings(fields, 'include_types'), (type) => `invalid include_type '${type}'`),
    sinceUs: resolveSinceUs(since, scope.nowUs),
  };
  return {
    subject,
    query: { filter: withoutUndefined(filter), order: 'desc', limit: CONTEXT_ROW_LIMIT },
    maxTokens: maxTokens(fields.max_tokens),
  };
}

/**
 * A positive integer. `0` and `null` mean "no budget": the Go SDK's struct may send its zero value.
 * Negative, fractional or non-numeric values are 400 rather than silently ignored.
 */
function maxTokens(value: unknown): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    badRequest('invalid request body: max_tokens must be a positive integer');
  }
  return Math.min(value, MAX_CONTEXT_TOKENS);
}
