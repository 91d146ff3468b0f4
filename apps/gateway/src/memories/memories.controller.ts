import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CountsMemories, CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyService } from './idempotency.service';
import { MemoryWriteService } from './memory-write.service';

@Controller('api/v1/memories')
export class MemoriesController {
  constructor(private readonly writes: MemoryWriteService) {}

  /**
   * One memory, or `{"memories":[…]}`: 201 with the stored memory, or `{memories, count}`. With an
   * `Idempotency-Key` header a retry answers the same (`Idempotent-Replayed: true`).
   */
  @Post()
  @HttpCode(201)
  @RequireScope('write')
  @CountsMemories(memoriesInBody)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const idempotency = IdempotencyService.parse(request.headers['idempotency-key'], body);
    if (!idempotency) return this.writes.create(principal.orgId, body, request.id);
    const { result, replayed } = await this.writes.createOnce(principal.orgId, body, request.id, idempotency);
    if (replayed) reply.header('idempotent-replayed', 'true');
    return result;
  }
}

/** A batch counts its items against the memories/s limits; anything else is one memory. */
function memoriesInBody(body: unknown): number {
  const batch = (body as { memories?: unknown } | null)?.memories;
  return Array.isArray(batch) ? batch.length : 1;
}
