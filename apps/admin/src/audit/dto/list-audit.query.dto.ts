import { AtLeast, AtMost, Normalize, NumberType, toNumber, WholeNumber } from '../../validation/input-rules.decorator';
import { OrgIdRules } from '../../organizations/dto/org-id.dto';

/** `GET /admin/v1/audit?org_id=…&limit=…`; other query parameters are ignored. */
export class ListAuditQueryDto {
  @OrgIdRules(1, { optional: true })
  org_id?: string;

  @Normalize(toNumber)
  @NumberType(3)
  @WholeNumber(4)
  @AtLeast(5, 1)
  @AtMost(6, 1000)
  limit = 100;
}
