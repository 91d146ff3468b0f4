import { applyDecorators } from '@nestjs/common';
import { AtLeast, AtMost, NumberType, ObjectRule, WholeNumber } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

const LIMIT_FIELDS = ['requests_per_second', 'memories_per_second', 'key_requests_per_second', 'key_memories_per_second'] as const;

/** A limit per second, from `step` on; `null` goes back to the deployment default. */
function PerSecond(step: number): PropertyDecorator {
  return applyDecorators(
    NumberType(step, { optional: true, nullable: true }),
    WholeNumber(step + 1, 'must be a whole number'),
    AtLeast(step + 2, 1, 'must be at least 1'),
    AtMost(step + 3, 10_000_000),
  );
}

/** `PUT /admin/v1/orgs/:org/limits` and `memtrace org limits set`: the overrides to change, at least one. */
@RefuseUnknownFields()
export class SetOrgLimitsRequestDto {
  @PerSecond(1)
  @ObjectRule(100, `give at least one of ${LIMIT_FIELDS.join(', ')}`, (_value, dto) => LIMIT_FIELDS.some((field) => dto[field] !== undefined), { pathless: true })
  requests_per_second?: number | null;

  @PerSecond(5)
  memories_per_second?: number | null;

  @PerSecond(9)
  key_requests_per_second?: number | null;

  @PerSecond(13)
  key_memories_per_second?: number | null;
}
