import { ErasureFilter, parseInput } from '@memtrace/contracts';
import { z } from 'zod';
import { badRequest, optionalId, tagList, typeList, withoutUndefined } from '../request-parsing/filter-fields.util';
import { ReadScope } from '../request-parsing/read-scope.types';
import { resolveSinceUs, resolveUntilUs } from '../request-parsing/time-window.util';

const oneOrMany = z.union([z.string(), z.array(z.string())]);

/** Unknown fields are refused: a misspelt filter (`agentid`) would otherwise widen the erasure. */
const forgetBodySchema = z.strictObject({
  agent_id: z.string().optional(),
  session_id: z.string().optional(),
  memory_type: oneOrMany.optional(),
  event_type: oneOrMany.optional(),
  tags: z.array(z.string()).optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  dry_run: z.boolean().optional(),
});

export const FORGET_FILTER_FIELDS = 'agent_id, session_id, memory_type, event_type, tags, since or until';

/**
 * `POST /api/v1/memories/forget`: the filters as `GET /api/v1/memories` reads them (`agent_id`
 * exact, tags all required, `since`/`until` relative windows or timestamps, exclusive), with
 * `memory_type`/`event_type` as one value or a list. At least one filter: an empty body must never
 * mean "everything".
 */
export function parseForgetBody(body: unknown, scope: ReadScope): { filter: ErasureFilter; dryRun: boolean } {
  const input = parseInput(forgetBodySchema, body);
  const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const filter: ErasureFilter = withoutUndefined({
    agentId: optionalId('agent_id', input.agent_id ?? ''),
    sessionId: optionalId('session_id', input.session_id ?? ''),
    memoryTypes: typeList('memory_type', list(input.memory_type), (v) => `invalid memory_type '${v}'`),
    eventTypes: typeList('event_type', list(input.event_type), (v) => `invalid event_type '${v}'`),
    tags: tagList(input.tags ?? []),
    sinceUs: resolveSinceUs(input.since ?? '', scope.nowUs),
    untilUs: resolveUntilUs(input.until ?? '', scope.nowUs),
  });
  if (Object.keys(filter).length === 0) badRequest(`forget needs at least one filter: ${FORGET_FILTER_FIELDS}`, 'to erase all of an organization, delete the organization');
  if (filter.sinceUs !== undefined && filter.untilUs !== undefined && filter.sinceUs >= filter.untilUs) badRequest('invalid window: since must be before until');
  return { filter, dryRun: input.dry_run ?? false };
}
