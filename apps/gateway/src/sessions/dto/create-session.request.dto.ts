import { JsonObject, JsonString, Required } from '@memtrace/http';

/** `POST /api/v1/sessions` (upstream §7.13): the agent must be registered (its `id`). */
export class CreateSessionRequestDto {
  @JsonString({ description: 'The `id` of a registered agent.' })
  @Required(1, 'agent_id is required')
  agent_id!: string;

  @JsonObject('an object', { step: 2 })
  metadata?: Record<string, unknown> | null;
}
