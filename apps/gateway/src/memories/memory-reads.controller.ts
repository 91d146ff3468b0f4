import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { LEGACY_READ_PATTERNS, MemoryListResponse, nowUs, QUERY_PATTERNS, RawQueryParams, SearchResponse } from '@memtrace/contracts';
import { toListMemoriesQuery, toSearchQuery } from '@memtrace/http';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { QueryClient } from '../query/query.client';
import { ListMemoriesQueryDto, SearchMemoriesRequestDto } from './dto/memory-read.request.dto';

/** Memory reads (upstream §7.4–§7.6): validated here (a bad one is a 400 before any RPC), answered by the query service. */
@Controller('api/v1')
export class MemoryReadsController {
  constructor(private readonly query: QueryClient) {}

  @Get('memories')
  @RequireScope('read')
  @ApiQuery({ type: ListMemoriesQueryDto })
  list(@CurrentPrincipal() principal: Principal, @Query() params: RawQueryParams) {
    const { orgId } = principal;
    const query = toListMemoriesQuery(params, nowUs());
    return this.query.send(QUERY_PATTERNS.listMemories, { orgId, query }, { pattern: LEGACY_READ_PATTERNS.listMemories, request: { orgId, params: params ?? {} } });
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
    const { orgId } = principal;
    const query = toSearchQuery(body, nowUs());
    return this.query.send(QUERY_PATTERNS.searchMemories, { orgId, query }, { pattern: LEGACY_READ_PATTERNS.searchMemories, request: { orgId, body: body ?? null } });
  }
}
