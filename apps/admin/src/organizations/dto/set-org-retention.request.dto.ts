import { MEMORY_TYPES, MemoryType } from '@memtrace/contracts';
import { AtLeast, AtMost, NumberType, OneOfValues, WholeNumber } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** One retention rule: `days` for `memory_type` (or every type without its own rule); `null` drops it. */
@RefuseUnknownFields()
export class SetOrgRetentionRequestDto {
  @NumberType(1, { nullable: true })
  @WholeNumber(2, 'must be a whole number of days')
  @AtLeast(3, 1, 'must be at least 1')
  @AtMost(4, 36_500, 'must be at most 36500 (100 years)')
  days!: number | null;

  @OneOfValues(5, MEMORY_TYPES, { optional: true })
  memory_type?: MemoryType;
}
