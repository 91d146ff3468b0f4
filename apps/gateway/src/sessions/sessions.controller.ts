import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { LEGACY_READ_PATTERNS, nowUs, QUERY_PATTERNS, RawQueryParams } from '@memtrace/contracts';
import { toSessionContextRequest, toSessionMemoriesQuery } from '@memtrace/http';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { CreateSessionRequestDto } from './dto/create-session.request.dto';
import { UpdateSessionRequestDto } from './dto/update-session.request.dto';
import { ContextRequestDto, SessionMemoriesQueryDto } from '../memories/dto/memory-read.request.dto';
import { QueryClient } from '../query/query.client';
import { SessionService } from './session.service';

/** Sessions (upstream §7.13–§7.18); the org is always the key's. */
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly query: QueryClient,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateSessionRequestDto) {
    return this.sessions.create(principal.orgId, body);
  }

  @Get()
  @RequireScope('read')
  @ApiQuery({ name: 'agent_id', required: false, type: String })
  list(@CurrentPrincipal() principal: Principal, @Query('agent_id') agentId: unknown) {
    return this.sessions.list(principal.orgId, typeof agentId === 'string' && agentId !== '' ? agentId : undefined);
  }

  @Get(':id')
  @RequireScope('read')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.sessions.get(principal.orgId, id);
  }

  @Put(':id')
  @RequireScope('write')
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateSessionRequestDto) {
    return this.sessions.update(principal.orgId, id, body);
  }

  @Get(':id/memories')
  @RequireScope('read')
  @ApiQuery({ type: SessionMemoriesQueryDto })
  memories(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() params: RawQueryParams) {
    const { orgId } = principal;
    const query = toSessionMemoriesQuery(id, params, nowUs());
    return this.query.send(QUERY_PATTERNS.sessionMemories, { orgId, query }, { pattern: LEGACY_READ_PATTERNS.sessionMemories, request: { orgId, sessionId: id, params: params ?? {} } });
  }

  /** Body optional, or literal `null` (upstream §8). */
  @Post(':id/context')
  @HttpCode(200)
  @RequireScope('read')
  @ApiBody({ type: ContextRequestDto, required: false })
  context(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    const { orgId } = principal;
    const context = toSessionContextRequest(id, body, nowUs());
    return this.query.send(QUERY_PATTERNS.renderContext, { orgId, ...context }, { pattern: LEGACY_READ_PATTERNS.renderContext, request: { orgId, subject: 'session', id, body: body ?? null } });
  }
}
