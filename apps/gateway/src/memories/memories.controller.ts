import { Body, Controller, Delete, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { LEGACY_READ_PATTERNS, nowUs, QUERY_PATTERNS } from '@memtrace/contracts';
import { toForgetRequest } from '@memtrace/http';
import { CountsMemories, CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateMemoriesPipe, MemoryWrite } from './create-memories.pipe';
import { CreateMemoryBatchRequestDto, CreateMemoryRequestDto } from './dto/create-memory.request.dto';
import { IdempotencyKey } from './idempotency-key.decorator';
import type { IdempotentRequest } from './idempotency.service';
import { MemoryWriteService } from './memory-write.service';
import { QueryClient } from '../query/query.client';

@Controller('api/v1/memories')
export class MemoriesController {
  constructor(
    private readonly writes: MemoryWriteService,
    private readonly query: QueryClient,
  ) {}

  /**
   * One memory, or `{"memories":[…]}`: 201 with the stored memory, or `{memories, count}`. With an
   * `Idempotency-Key` header a retry answers the same (`Idempotent-Replayed: true`).
   */
  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @CountsMemories(memoriesInBody)
  @ApiExtraModels(CreateMemoryRequestDto, CreateMemoryBatchRequestDto)
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(CreateMemoryRequestDto) }, { $ref: getSchemaPath(CreateMemoryBatchRequestDto) }] } })
  async create(
    @CurrentPrincipal() principal: Principal,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
    @Body(CreateMemoriesPipe) write: MemoryWrite,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!idempotency) return this.writes.create(principal.orgId, write, request.id);
    const { result, replayed } = await this.writes.createOnce(principal.orgId, write, request.id, idempotency);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return result;
  }

  /**
   * New: erases every memory matching the filters (`agent_id`, `session_id`, `memory_type`,
   * `event_type`, `tags`, `since`, `until`; at least one), or counts them with `dry_run`. 202 with
   * the erasure's receipt; `GET /api/v1/erasures/:id` follows it to `done`.
   */
  @Post('forget')
  @HttpCode(202)
  @RequireScope('write')
  forget(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { orgId } = principal;
    const actor = `key:${principal.keyId}`;
    const { filter, dryRun } = toForgetRequest(body, nowUs());
    return this.query.send(QUERY_PATTERNS.forget, { orgId, filter, dryRun, actor }, { pattern: LEGACY_READ_PATTERNS.forget, request: { orgId, body: body ?? null, actor } });
  }

  /**
   * Deletes one memory for good (not an upstream route): 204, or 404 if the org has no such memory.
   * It is gone from every read at once, and a copy still queued never lands (see MemoryEraser).
   */
  @Delete(':id')
  @HttpCode(204)
  @RequireScope('write')
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.query.send(QUERY_PATTERNS.deleteMemory, { orgId: principal.orgId, id, actor: `key:${principal.keyId}` });
  }
}

/** A batch counts its items against the memories/s limits; anything else is one memory. */
function memoriesInBody(body: unknown): number {
  const batch = (body as { memories?: unknown } | null)?.memories;
  return Array.isArray(batch) ? batch.length : 1;
}
