import { IsoDateTime, KnownScopes, ResourceNameRules, ScopeList, StringType } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** `POST /admin/v1/orgs/:org/keys` and `memtrace key create`. */
@RefuseUnknownFields()
export class CreateApiKeyRequestDto {
  @ResourceNameRules(1)
  name!: string;

  /** A comma-separated string or a list; left out: read and write. */
  @ScopeList(4)
  @KnownScopes(5)
  scopes?: string | string[];

  /** RFC 3339 with an offset; in the future (the service checks that). */
  @StringType(6, { optional: true })
  @IsoDateTime(7)
  expires_at?: string;
}
