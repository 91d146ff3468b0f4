import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { MemoryListResponse, QUERY_PATTERNS, RawQueryParams, SearchResponse } from '@memtrace/contracts';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { QueryClient } from '../query/query.client';
import { ListMemoriesQueryDto, SearchMemoriesRequestDto } from './dto/memory-read.request.dto';

/** Memory reads (upstream §7.4–§7.6): validated and answered by the query service. */
@Controller('api/v1')
export class MemoryReadsController {
  constructor(private readonly query: QueryClient) {}

  @Get('memories')
  @RequireScope('read')
  @ApiQuery({ type: ListMemoriesQueryDto })
  list(@CurrentPrincipal() principal: Principal, @Query() params: RawQueryParams) {
    return this.query.send(QUERY_PATTERNS.listMemories, { orgId: principal.orgId, params: params ?? {} });
  }

  @Get('memories/:id')
  @RequireScope('read')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.query.send(QUERY_PATTERNS.getMemory, { orgId: principal.orgId, id });
  }

  @Post('search')
  @HttpCode(200)
  @RequireScope('read')
  @ApiBody({ type: SearchMemoriesRequestDto, required: false })
  search(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.query.send(QUERY_PATTERNS.searchMemories, { orgId: principal.orgId, body: body ?? null });
  }
}
