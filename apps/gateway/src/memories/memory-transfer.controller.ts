import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { RawQueryParams } from '@memtrace/contracts';
import { CountsMemories, CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MemoryTransferService } from './memory-transfer.service';

/** New: an org's memories out as NDJSON, and back in (another org, another deployment). */
@Controller('api/v1')
export class MemoryTransferController {
  constructor(private readonly transfer: MemoryTransferService) {}

  /**
   * Every memory matching the list filters (`agent_id`, `session_id`, `memory_type`, `event_type`,
   * `tags`, `since`, `until`), oldest first, one JSON object per line with every field. Streamed as
   * the client reads it; if a page fails mid-way the connection is cut, so a truncated export never
   * looks complete.
   */
  @Get('export')
  @RequireScope('read')
  async export(@CurrentPrincipal() principal: Principal, @Query() params: RawQueryParams, @Res() reply: FastifyReply): Promise<void> {
    const pages = await this.transfer.export(principal.orgId, params ?? {});
    await reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="memtrace-${principal.orgId}.ndjson"`)
      .send(Readable.from(pages, { objectMode: false }));
  }

  /** NDJSON as `export` writes it; ids and times kept, ids the org has already skipped. All or nothing per request. */
  @Post('import')
  @HttpCode(200)
  @RequireScope('write')
  @CountsMemories(linesIn)
  import(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Req() request: FastifyRequest) {
    return this.transfer.import(principal.orgId, body, request.id);
  }
}

function linesIn(body: unknown): number {
  return typeof body === 'string' ? Math.max(1, body.split('\n').filter((line) => line.trim() !== '').length) : 1;
}
