import { MatchesPattern, MaxLength, MinLength, ObjectRule, OneOfValues, StringType } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** Arc's own name rules (arc.md §2.5); measurements also become bare SQL identifiers, so no `-`. */
export const ARC_DATABASE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MEASUREMENT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

/** Why an Arc URL is refused, or undefined. Checked on the whole request, once every field has its type. */
function arcUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!/^https?:\/\/[^\s]+$/.test(url) || !parsed) return 'an arc url must be http:// or https://';
  // For everyone, the operator too: fetch refuses such URLs, and the URL is stored and shown in clear.
  if (parsed.username || parsed.password) return 'an arc url must not carry credentials; pass the token as `token`, which is stored encrypted';
  return undefined;
}

/** `PUT /admin/v1/orgs/:org/store` and `memtrace org add-arc`. */
@RefuseUnknownFields()
export class SetStoreBindingRequestDto {
  // Embedded DuckDB bindings are made by the standalone server itself: letting an API caller name a
  // file path on the server would let a tenant admin open arbitrary files.
  @OneOfValues(1, ['arc'], { message: 'kind must be "arc" (embedded stores are configured by the standalone server)' })
  kind: 'arc' = 'arc';

  @StringType(2)
  @MinLength(3, 1, 'url is required')
  @MaxLength(4, 2048)
  @ObjectRule(100, (url) => arcUrlProblem(url) ?? '', (url) => arcUrlProblem(url) === undefined)
  url!: string;

  @StringType(5)
  @MatchesPattern(6, ARC_DATABASE_PATTERN, 'database must start with a letter; letters, digits, _ and - (max 64)')
  database!: string;

  @StringType(7)
  @MatchesPattern(8, MEASUREMENT_PATTERN, 'measurement must start with a letter; letters, digits and _ (max 128)')
  measurement = 'events';

  @StringType(9, { optional: true })
  @MaxLength(10, 4096)
  token?: string;
}
