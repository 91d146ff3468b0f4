import { ApiPropertyOptional } from '@nestjs/swagger';
import { MEMORY_TYPES } from '@memtrace/contracts';

/**
 * The inputs of the read routes, for the OpenAPI document only. The gateway passes them on as they
 * came and the query service validates them (apps/query/src/memories/*.parser.ts, 400 with
 * upstream's messages), so nothing here is a rule: the values are `unknown` until then.
 */

const SINCE = 'A relative window (`24h`, `7d`, `30m`) or an RFC 3339 timestamp: memories after it.';
const ORDER = { enum: ['asc', 'desc'], default: 'desc' };

/** `GET /api/v1/memories` (upstream §7.4). */
export class ListMemoriesQueryDto {
  @ApiPropertyOptional({ type: String }) agent_id?: unknown;
  @ApiPropertyOptional({ type: String }) session_id?: unknown;
  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] }) memory_type?: unknown;
  @ApiPropertyOptional({ type: String }) event_type?: unknown;
  @ApiPropertyOptional({ type: String, description: 'Comma-separated; every tag must match.' }) tags?: unknown;
  @ApiPropertyOptional({ type: String, description: SINCE }) since?: unknown;
  @ApiPropertyOptional({ type: String, description: 'As `since`, an upper bound; `now` or empty: none.' }) until?: unknown;
  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 }) limit?: unknown;
  @ApiPropertyOptional({ type: Number, default: 0, minimum: 0 }) offset?: unknown;
  @ApiPropertyOptional({ type: String, ...ORDER }) order?: unknown;
}

/** `GET /api/v1/agents/:id/memories` (§7.10): `since` defaults to 24h. */
export class AgentMemoriesQueryDto {
  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] }) memory_type?: unknown;
  @ApiPropertyOptional({ type: String }) event_type?: unknown;
  @ApiPropertyOptional({ type: String, description: SINCE, default: '24h' }) since?: unknown;
  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 }) limit?: unknown;
  @ApiPropertyOptional({ type: String, ...ORDER }) order?: unknown;
}

/** `GET /api/v1/sessions/:id/memories` (§7.17). */
export class SessionMemoriesQueryDto {
  @ApiPropertyOptional({ type: String, enum: [...MEMORY_TYPES] }) memory_type?: unknown;
  @ApiPropertyOptional({ type: String, description: SINCE }) since?: unknown;
  @ApiPropertyOptional({ type: Number, default: 100, minimum: 1 }) limit?: unknown;
  @ApiPropertyOptional({ type: String, ...ORDER }) order?: unknown;
}

/** `POST /api/v1/search` (§7.6); every field optional. */
export class SearchMemoriesRequestDto {
  @ApiPropertyOptional({ type: String }) agent_id?: unknown;
  @ApiPropertyOptional({ type: String }) session_id?: unknown;
  @ApiPropertyOptional({ type: String, isArray: true }) memory_types?: unknown;
  @ApiPropertyOptional({ type: String, isArray: true }) event_types?: unknown;
  @ApiPropertyOptional({ type: String, isArray: true, description: 'Every tag must match.' }) tags?: unknown;
  @ApiPropertyOptional({ type: String, description: 'Case-sensitive substring of the content.' }) content_contains?: unknown;
  @ApiPropertyOptional({ type: Number, description: 'Applied when > 0.' }) min_importance?: unknown;
  @ApiPropertyOptional({ type: String, description: SINCE }) since?: unknown;
  @ApiPropertyOptional({ type: String }) until?: unknown;
  @ApiPropertyOptional({ type: Number, default: 50, minimum: 1 }) limit?: unknown;
  @ApiPropertyOptional({ type: String, ...ORDER }) order?: unknown;
}

/** `POST /api/v1/sessions/:id/context` (§8) and the agent context; the body may be absent or `null`. */
export class ContextRequestDto {
  @ApiPropertyOptional({ type: String, description: 'A relative window; default 24h.', default: '24h' }) since?: unknown;
  @ApiPropertyOptional({ type: String, isArray: true, description: 'Memory types to include; default all.' }) include_types?: unknown;
  @ApiPropertyOptional({ type: Number, description: 'Token budget of the rendered block.' }) max_tokens?: unknown;
}
