import { StringType } from '../../validation/input-rules.decorator';
import { RefuseUnknownFields } from '../../validation/input-validation.util';

/** `POST /admin/v1/master-key/rotate`: re-encrypt under `new_key`, or under the current key. */
@RefuseUnknownFields()
export class RotateMasterKeyRequestDto {
  @StringType(1, { optional: true })
  new_key?: string;
}
