import { ID_PATTERN, ID_PATTERN_MESSAGE } from '@memtrace/contracts';
import { checkRead, readQuery } from './read-request-validation';
import { readRule } from './read-rules.decorator';

/**
 * Where a path id (`/agents/:id/…`, `/sessions/:id/…`) sits in a read's order of checks: before
 * every rule of the query or body (steps from 20), but after the session memories' `memory_type`
 * (steps 1–9), which upstream's handler read first.
 */
export const PATH_ID_STEP = 10;

/** Required (`""` fails too) and the ID pattern, with one message for both. */
function PathId(): PropertyDecorator {
  return readRule({
    name: 'pathId',
    step: PATH_ID_STEP,
    message: (_value, field) => `invalid ${field}: ${ID_PATTERN_MESSAGE}`,
    valid: (value) => typeof value === 'string' && ID_PATTERN.test(value),
  });
}

/** `/agents/:id/…` */
export class AgentPathParamsDto {
  @PathId() agent_id!: string;
}

/** `/sessions/:id/…` */
export class SessionPathParamsDto {
  @PathId() session_id!: string;
}

/** The agent's path parameters, to check with the request's other instances (`checkRead`). */
export function agentPath(agentId: string): AgentPathParamsDto {
  return readQuery(AgentPathParamsDto, { agent_id: agentId });
}

export function sessionPath(sessionId: string): SessionPathParamsDto {
  return readQuery(SessionPathParamsDto, { session_id: sessionId });
}

/** A path id on its own (agent stats, an agent's erasure): the id, or the 400. */
export function validAgentId(agentId: string): string {
  const path = agentPath(agentId);
  checkRead(path);
  return path.agent_id;
}
