import { OneOfValues } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** `DELETE /admin/v1/orgs/:org?keep_memories=true`: delete the org at once and leave its store alone. */
@RefuseUnknownFields()
export class DeleteOrganizationQueryDto {
  @OneOfValues(1, ['true', 'false'], { optional: true })
  keep_memories?: 'true' | 'false';
}
