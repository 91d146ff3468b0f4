import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';

/**
 * "Check my credentials" (like Arc's /api/v1/auth/verify): which org and scopes a key carries.
 * Not an upstream route; old SDKs never call it.
 */
@Controller('api/v1/auth')
export class AuthController {
  @Get('verify')
  @RequireScope('read')
  verify(@CurrentPrincipal() principal: Principal) {
    return { valid: true, org_id: principal.orgId, key_id: principal.keyId, key_name: principal.keyName, scopes: principal.scopes };
  }
}
