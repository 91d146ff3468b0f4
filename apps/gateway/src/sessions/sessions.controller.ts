import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { QUERY_PATTERNS } from '@memtrace/contracts';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { parseCreateSession, parseUpdateSession } from '../agents/agent-body.parser';
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
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.sessions.create(principal.orgId, parseCreateSession(body));
  }

  @Get()
  @RequireScope('read')
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
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.sessions.update(principal.orgId, id, parseUpdateSession(body));
  }

  @Get(':id/memories')
  @RequireScope('read')
  memories(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() params: Record<string, unknown>) {
    return this.query.send(QUERY_PATTERNS.sessionMemories, { orgId: principal.orgId, sessionId: id, params: params ?? {} });
  }

  /** Body optional, or literal `null` (upstream §8). */
  @Post(':id/context')
  @HttpCode(200)
  @RequireScope('read')
  context(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.query.send(QUERY_PATTERNS.renderContext, { orgId: principal.orgId, subject: 'session', id, body: body ?? null });
  }
}
