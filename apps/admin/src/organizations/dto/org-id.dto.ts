import { applyDecorators } from '@nestjs/common';
import { ID_PATTERN } from '@memtrace/contracts';
import { MatchesPattern, StringType, TypeOptions } from '../../validation/input-rules.decorator';
import { validateValue } from '../../validation/input-validation.util';

/** The rules of an org id, wherever one is given (a path, a CLI argument, the audit log's filter). */
export function OrgIdRules(step: number, options: TypeOptions = {}): PropertyDecorator {
  return applyDecorators(StringType(step, options), MatchesPattern(step + 1, ID_PATTERN, 'must start with a letter; letters, digits, _ and - (max 128)'));
}

export class OrgIdDto {
  @OrgIdRules(1)
  value!: string;
}

/** An org id, or a 400 `invalid org id: …`. */
export function orgIdFrom(value: unknown): string {
  return validateValue(OrgIdDto, value, 'org id');
}
