import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import type { FastifyRequest } from 'fastify';
import { MemoryWriteService } from './memory-write.service';

@Controller('api/v1/memories')
export class MemoriesController {
  constructor(private readonly writes: MemoryWriteService) {}

  /** One memory, or `{"memories":[…]}`: 201 with the stored memory, or `{memories, count}`. */
  @Post()
  @HttpCode(201)
  @RequireScope('write')
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Req() request: FastifyRequest) {
    return this.writes.create(principal.orgId, body, request.id);
  }
}
