import { JsonObject, JsonString, MaxChars, Required } from '@memtrace/http';

/** Names are shown back in messages and used as path segments: bound them like ids. */
export const MAX_AGENT_NAME_CHARS = 256;

/** `POST /api/v1/agents` (upstream §7.7). Steps: name first, then the optional fields. */
export class CreateAgentRequestDto {
  @JsonString({ description: 'Unique within the org; `GET /api/v1/agents/:id` also finds the agent by it.' })
  @Required(1, 'name is required')
  @MaxChars(2, MAX_AGENT_NAME_CHARS, `name is over ${MAX_AGENT_NAME_CHARS} characters`)
  name!: string;

  @JsonString({ step: 3 })
  description?: string | null;

  @JsonObject('an object', { step: 4 })
  config?: Record<string, unknown> | null;
}
