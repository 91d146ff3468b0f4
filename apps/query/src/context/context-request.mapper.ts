import { MemoryFilter, MemoryQuery } from '@memtrace/contracts';
import { agentPath, checkRead, ContextRequestDto, DEFAULT_WINDOW, filterValues, MAX_CONTEXT_TOKENS, readBody, resolveSinceUs, sessionPath } from '@memtrace/http';
import { withoutUndefined } from '../request-parsing/filter-fields.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { CONTEXT_ROW_LIMIT } from '../request-parsing/read-limits.util';
import { ContextSubject } from './context-layout.util';

export interface ContextRequest {
  subject: ContextSubject;
  /** Newest first, at most 100 rows, as upstream queried them. */
  query: MemoryQuery;
  /** Token budget; undefined renders every row (upstream's behaviour, which ignored max_tokens). */
  maxTokens: number | undefined;
}

/** `POST /api/v1/sessions/:id/context` (upstream §8). The path id is checked before the body. */
export function toSessionContextRequest(sessionId: string, body: unknown, scope: ReadScope): ContextRequest {
  const path = sessionPath(sessionId);
  checkRead(path);
  return build({ kind: 'session', id: path.session_id }, { sessionId: path.session_id }, body, scope);
}

/** `POST /api/v1/agents/:id/context` (new): the same body, over the agent's memories in all sessions. */
export function toAgentContextRequest(agentId: string, body: unknown, scope: ReadScope): ContextRequest {
  const path = agentPath(agentId);
  checkRead(path);
  return build({ kind: 'agent', id: path.agent_id }, { agentId: path.agent_id }, body, scope);
}

function build(subject: ContextSubject, scoped: Pick<MemoryFilter, 'sessionId' | 'agentId'>, body: unknown, scope: ReadScope): ContextRequest {
  const dto = readBody(ContextRequestDto, body);
  checkRead(dto);
  const filter: MemoryFilter = {
    orgId: scope.orgId,
    ...scoped,
    memoryTypes: filterValues(dto.include_types),
    sinceUs: resolveSinceUs(dto.since || DEFAULT_WINDOW, scope.nowUs),
  };
  return {
    subject,
    query: { filter: withoutUndefined(filter), order: 'desc', limit: CONTEXT_ROW_LIMIT },
    maxTokens: dto.max_tokens ? Math.min(dto.max_tokens, MAX_CONTEXT_TOKENS) : undefined,
  };
}
