import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { AppError, ErasureReceipt, LEGACY_READ_PATTERNS, nowUs, QUERY_PATTERNS, RawQueryParams } from '@memtrace/contracts';
import { toAgentActivityQuery, toAgentContextRequest, toAgentMemoriesQuery } from '@memtrace/http';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';
import { AgentMemoriesQueryDto, ContextRequestDto } from '../memories/dto/memory-read.request.dto';
import { QueryClient } from '../query/query.client';
import { CreateAgentRequestDto } from './dto/create-agent.request.dto';
import { AgentService } from './agent.service';

/** Agents (upstream §7.7–§7.12) plus the new agent context; the org is always the key's. */
@Controller('api/v1/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentService,
    private readonly query: QueryClient,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('write')
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateAgentRequestDto) {
    return this.agents.create(principal.orgId, body);
  }

  @Get()
  @RequireScope('read')
  list(@CurrentPrincipal() principal: Principal) {
    return this.agents.list(principal.orgId);
  }

  /** By id or by name. */
  @Get(':id')
  @RequireScope('read')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.agents.get(principal.orgId, id);
  }

  /** Memories whose own `agent_id` is `:id` (literal, no name lookup, as upstream). */
  @Get(':id/memories')
  @RequireScope('read')
  @ApiQuery({ type: AgentMemoriesQueryDto })
  memories(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() params: RawQueryParams) {
    const { orgId } = principal;
    const query = toAgentMemoriesQuery(id, params, nowUs());
    return this.query.send(QUERY_PATTERNS.agentMemories, { orgId, query }, { pattern: LEGACY_READ_PATTERNS.agentMemories, request: { orgId, agentId: id, params: params ?? {} } });
  }

  @Get(':id/stats')
  @RequireScope('read')
  stats(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.query.send(QUERY_PATTERNS.agentStats, { orgId: principal.orgId, agentId: id });
  }

  /** New: memories per time bucket and type, errors among them (`since`, `until`, `bucket`); the explorer's chart. */
  @Get(':id/activity')
  @RequireScope('read')
  activity(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() params: RawQueryParams) {
    const { orgId } = principal;
    const query = toAgentActivityQuery(id, params, nowUs());
    return this.query.send(QUERY_PATTERNS.agentActivity, { orgId, query }, { pattern: LEGACY_READ_PATTERNS.agentActivity, request: { orgId, agentId: id, params: params ?? {} } });
  }

  /** New: the agent's recent memories across all its sessions, as a context block. */
  @Post(':id/context')
  @HttpCode(200)
  @RequireScope('read')
  @ApiBody({ type: ContextRequestDto, required: false })
  context(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    const { orgId } = principal;
    const context = toAgentContextRequest(id, body, nowUs());
    return this.query.send(QUERY_PATTERNS.renderContext, { orgId, ...context }, { pattern: LEGACY_READ_PATTERNS.renderContext, request: { orgId, subject: 'agent', id, body: body ?? null } });
  }

  /**
   * 204; the agent's sessions are deleted with it; its memories stay in the store (upstream).
   * New: with `erase_memories=true` its memories (under its id and its name) are erased too: 202
   * with the erasure's receipt. The erasure is started first, so a failure leaves the agent in place.
   */
  @Delete(':id')
  @RequireScope('write')
  @ApiQuery({ name: 'erase_memories', required: false, type: Boolean })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('erase_memories') eraseMemories: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!parseFlag('erase_memories', eraseMemories)) {
      await this.agents.delete(principal.orgId, id);
      await reply.code(204).send();
      return;
    }
    const receipt = await this.agents.deleteWithMemories(principal.orgId, id, () =>
      this.query.send(QUERY_PATTERNS.eraseAgentMemories, { orgId: principal.orgId, agentId: id, actor: `key:${principal.keyId}` }),
    );
    await reply.code(202).send(receipt);
  }
}

function parseFlag(name: string, value: unknown): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new AppError('bad_request', `invalid ${name}: must be true or false`);
}
