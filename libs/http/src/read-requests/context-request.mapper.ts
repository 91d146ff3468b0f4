import { ContextSubject, ReadFilter, ReadQuery } from '@memtrace/contracts';
import { ContextRequestDto, MAX_CONTEXT_TOKENS } from './context.request.dto';
import { agentPath, sessionPath } from './path-params.dto';
import { filterValues } from './read-rules.decorator';
import { checkRead, readBody } from './read-request-validation';
import { withoutUndefined } from './read-fields.util';
import { CONTEXT_ROW_LIMIT } from './read-limits';
import { DEFAULT_WINDOW, resolveSinceUs } from './time-window';

export interface ContextRequest {
  subject: ContextSubject;
  /** Newest first, at most 100 rows, as upstream queried them. */
  query: ReadQuery;
  /** Token budget; undefined renders every row (upstream's behaviour, which ignored max_tokens). */
  maxTokens?: number;
}

/** `POST /api/v1/sessions/:id/context` (upstream §8). The path id is checked before the body. */
export function toSessionContextRequest(sessionId: string, body: unknown, nowUs: number): ContextRequest {
  const path = sessionPath(sessionId);
  checkRead(path);
  return build({ kind: 'session', id: path.session_id }, { sessionId: path.session_id }, body, nowUs);
}

/** `POST /api/v1/agents/:id/context` (new): the same body, over the agent's memories in all sessions. */
export function toAgentContextRequest(agentId: string, body: unknown, nowUs: number): ContextRequest {
  const path = agentPath(agentId);
  checkRead(path);
  return build({ kind: 'agent', id: path.agent_id }, { agentId: path.agent_id }, body, nowUs);
}

function build(subject: ContextSubject, scoped: Pick<ReadFilter, 'sessionId' | 'agentId'>, body: unknown, nowUs: number): ContextRequest {
  const dto = readBody(ContextRequestDto, body);
  checkRead(dto);
  const filter = withoutUndefined({ ...scoped, memoryTypes: filterValues(dto.include_types), sinceUs: resolveSinceUs(dto.since || DEFAULT_WINDOW, nowUs) });
  const request: ContextRequest = { subject, query: { filter, order: 'desc', limit: CONTEXT_ROW_LIMIT } };
  if (dto.max_tokens) request.maxTokens = Math.min(dto.max_tokens, MAX_CONTEXT_TOKENS);
  return request;
}
