import { Controller, Get, Param } from '@nestjs/common';
import { QUERY_PATTERNS } from '@memtrace/contracts';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { QueryClient } from '../query/query.client';

/** New: the receipt of an erasure (`POST /memories/forget`, an agent deleted with its memories). */
@Controller('api/v1/erasures')
export class ErasuresController {
  constructor(private readonly query: QueryClient) {}

  @Get(':id')
  @RequireScope('read')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.query.send(QUERY_PATTERNS.getErasure, { orgId: principal.orgId, id });
  }
}
