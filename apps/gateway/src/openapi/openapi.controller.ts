import { Controller, Get, Injectable, INestApplication } from '@nestjs/common';
import { ApiExcludeController, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { packageVersion } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { Public } from '@memtrace/tenancy';

/** The OpenAPI document of the gateway, made once at start-up from its controllers and request DTOs. */
@Injectable()
export class OpenApiDocument {
  private document?: OpenAPIObject;

  /** Scans the app's routes; call once its modules are initialised. */
  build(app: INestApplication): OpenAPIObject {
    this.document = createOpenApiDocument(app);
    return this.document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw new AppError('not_found', 'the OpenAPI document is not built yet');
    return this.document;
  }
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Memtrace REST API')
    .setDescription('Wire-compatible with the upstream Memtrace server (`/api/v1`), plus this server\'s additions. Errors are `{"error": "<message>"}` with optional `hint` and `code`.')
    .setVersion(packageVersion())
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'x-api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
    .addSecurityRequirements('x-api-key')
    .addSecurityRequirements('bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** `GET /api/openapi.json`: the public contract, so no key is needed. */
@ApiExcludeController()
@Controller('api')
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  @Public()
  get(): OpenAPIObject {
    return this.document.get();
  }
}
