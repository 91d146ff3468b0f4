import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { AppError } from '@memtrace/contracts';
import { Public } from '@memtrace/tenancy';
import type { FastifyReply } from 'fastify';
import { EXPLORER_HEADERS, ExplorerAssets } from './explorer-assets';

/**
 * The memory explorer's static files at /explorer (issue 16). Public: the page itself holds no
 * data; it asks for an API key and calls the REST API with it like any client.
 */
@Controller('explorer')
export class ExplorerController {
  constructor(private readonly assets: ExplorerAssets) {}

  @Get()
  @Public()
  index(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    if (!this.assets.built) throw new AppError('not_found', 'the explorer is not built', 'run `npm run build`, which builds it into dist/explorer');
    return this.send('index.html', etag, reply);
  }

  @Get('assets/:file')
  @Public()
  asset(@Param('file') file: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    return this.send(`assets/${file}`, etag, reply);
  }

  @Get(':file')
  @Public()
  file(@Param('file') file: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    return this.send(file, etag, reply);
  }

  private send(path: string, etag: string | undefined, reply: FastifyReply) {
    const asset = this.assets.get(path);
    if (!asset) throw new AppError('not_found', 'not found');
    void reply.headers(EXPLORER_HEADERS).header('cache-control', asset.cacheControl).header('etag', asset.etag);
    if (etag === asset.etag) return reply.status(304).send();
    return reply.status(200).header('content-type', asset.contentType).send(asset.body);
  }
}
