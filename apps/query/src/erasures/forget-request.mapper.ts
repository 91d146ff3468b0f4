import { ErasureFilter } from '@memtrace/contracts';
import { filterValues, ForgetMemoriesRequestDto, resolveSinceUs, resolveUntilUs, validateStrictBody } from '@memtrace/http';
import { badRequest, withoutUndefined } from '../request-parsing/filter-fields.util';
import { ReadScope } from '../request-parsing/read-scope.types';

export const FORGET_FILTER_FIELDS = 'agent_id, session_id, memory_type, event_type, tags, since or until';

/**
 * `POST /api/v1/memories/forget` (`ForgetMemoriesRequestDto`): at least one filter, as an empty
 * body must never mean "everything", and a window that is not empty.
 */
export function toForgetRequest(body: unknown, scope: ReadScope): { filter: ErasureFilter; dryRun: boolean } {
  const dto = validateStrictBody(ForgetMemoriesRequestDto, body);
  const filter: ErasureFilter = withoutUndefined({
    agentId: dto.agent_id || undefined,
    sessionId: dto.session_id || undefined,
    memoryTypes: filterValues(dto.memory_type, { oneOrMany: true }),
    eventTypes: filterValues(dto.event_type, { oneOrMany: true }),
    tags: filterValues(dto.tags),
    sinceUs: resolveSinceUs(dto.since ?? '', scope.nowUs),
    untilUs: resolveUntilUs(dto.until ?? '', scope.nowUs),
  });
  if (Object.keys(filter).length === 0) badRequest(`forget needs at least one filter: ${FORGET_FILTER_FIELDS}`, 'to erase all of an organization, delete the organization');
  if (filter.sinceUs !== undefined && filter.untilUs !== undefined && filter.sinceUs >= filter.untilUs) badRequest('invalid window: since must be before until');
  return { filter, dryRun: dto.dry_run ?? false };
}
