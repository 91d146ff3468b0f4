import { AppError } from '@memtrace/contracts';

/** Validated bodies of the agent and session routes (upstream §7.7, §7.13, §7.16). */
export interface CreateAgentInput {
  name: string;
  description?: string;
  config?: Record<string, unknown>;
}

export interface CreateSessionInput {
  agentId: string;
  metadata?: Record<string, unknown>;
}

export interface UpdateSessionInput {
  status?: string;
  metadata?: Record<string, unknown>;
}

/** Names are shown back in messages and used as path segments: bound them like ids. */
export const MAX_AGENT_NAME_CHARS = 256;

export function parseCreateAgent(body: unknown): CreateAgentInput {
  const fields = objectBody(body);
  const name = optionalString(fields, 'name');
  if (!name) throw new AppError('bad_request', 'name is required');
  if (name.length > MAX_AGENT_NAME_CHARS) throw new AppError('bad_request', `name is over ${MAX_AGENT_NAME_CHARS} characters`);
  return { name, description: optionalString(fields, 'description'), config: optionalObject(fields, 'config') };
}

export function parseCreateSession(body: unknown): CreateSessionInput {
  const fields = objectBody(body);
  const agentId = optionalString(fields, 'agent_id');
  if (!agentId) throw new AppError('bad_request', 'agent_id is required');
  return { agentId, metadata: optionalObject(fields, 'metadata') };
}

export function parseUpdateSession(body: unknown): UpdateSessionInput {
  const fields = objectBody(body);
  return { status: optionalString(fields, 'status'), metadata: optionalObject(fields, 'metadata') };
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', 'invalid request body: expected a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AppError('bad_request', `invalid request body: ${name} must be a string`);
  return value;
}

function optionalObject(fields: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new AppError('bad_request', `invalid request body: ${name} must be an object`);
  return value as Record<string, unknown>;
}
