import { ErasureFilter } from '@memtrace/contracts';
import { ForgetMemoriesRequestDto } from './forget-memories.request.dto';
import { filterValues } from './read-rules.decorator';
import { badRequest, given, withoutUndefined } from './read-fields.util';
import { validateStrictBody } from './strict-body';
import { resolveSinceUs, resolveUntilUs } from './time-window';

export const FORGET_FILTER_FIELDS = 'agent_id, session_id, memory_type, event_type, tags, since or until';

/**
 * `POST /api/v1/memories/forget` (`ForgetMemoriesRequestDto`): at least one filter, as an empty
 * body must never mean "everything", and a window that is not empty.
 */
export function toForgetRequest(body: unknown, nowUs: number): { filter: ErasureFilter; dryRun: boolean } {
  const dto = validateStrictBody(ForgetMemoriesRequestDto, body);
  const filter: ErasureFilter = withoutUndefined({
    agentId: given(dto.agent_id),
    sessionId: given(dto.session_id),
    memoryTypes: filterValues(dto.memory_type, { oneOrMany: true }),
    eventTypes: filterValues(dto.event_type, { oneOrMany: true }),
    tags: filterValues(dto.tags),
    sinceUs: resolveSinceUs(dto.since ?? '', nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', nowUs),
  });
  if (Object.keys(filter).length === 0) badRequest(`forget needs at least one filter: ${FORGET_FILTER_FIELDS}`, 'to erase all of an organization, delete the organization');
  if (filter.sinceUs !== undefined && filter.untilUs !== undefined && filter.sinceUs >= filter.untilUs) badRequest('invalid window: since must be before until');
  return { filter, dryRun: dto.dry_run ?? false };
}
