import { ResourceNameRules } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** `POST /admin/v1/orgs` and `memtrace org create <name>`. */
@RefuseUnknownFields()
export class CreateOrganizationRequestDto {
  @ResourceNameRules(1)
  name!: string;
}
