import { ArgumentsHost, Catch, ExceptionFilter, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { AdminController } from './admin.controller';
import { ApiKeyService } from './api-keys/api-key.service';
import { AuditService } from './audit/audit.service';
import { OrganizationService } from './organizations/organization.service';
import { OrgLimitsService } from './organizations/org-limits.service';
import { OrgRetentionService } from './organizations/org-retention.service';
import { MasterKeyRotationService } from './store-bindings/master-key-rotation.service';
import { StoreBindingService } from './store-bindings/store-binding.service';
import { StoreHealthService } from './store-bindings/store-health.service';

@Catch(AppError)
class MessageFilter implements ExceptionFilter {
  catch(error: AppError, host: ArgumentsHost) {
    void host.switchToHttp().getResponse().code(400).send({ error: error.message });
  }
}

/** Input is refused before any service runs, so the services are empty stand-ins. */
const services = [AppConfig, OrganizationService, ApiKeyService, StoreBindingService, MasterKeyRotationService, AuditService, StoreHealthService, OrgLimitsService, OrgRetentionService];

@Module({ controllers: [AdminController], providers: services.map((provide) => ({ provide, useValue: {} })) })
class ControllerOnlyModule {}

describe('AdminController: which check refuses a request with a bad org id and bad input', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ControllerOnlyModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new MessageFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const refusal = async (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    (await app.inject({ method, url: `/admin/v1${url}`, payload })).json<{ error: string }>().error;

  it.each([
    ['POST', '/orgs/bad%20id/keys', { name: '' }, 'invalid request body: name: name is required'],
    ['DELETE', '/orgs/bad%20id?keep_memories=yes', undefined, 'invalid query: keep_memories: Invalid option: expected one of "true"|"false"'],
    ['PUT', '/orgs/bad%20id/store', { url: 'x' }, 'invalid org id: must start with a letter; letters, digits, _ and - (max 128)'],
    ['PUT', '/orgs/bad%20id/limits', {}, 'invalid org id: must start with a letter; letters, digits, _ and - (max 128)'],
    ['PUT', '/orgs/bad%20id/retention', {}, 'invalid org id: must start with a letter; letters, digits, _ and - (max 128)'],
  ] as const)('%s %s', async (method, url, payload, message) => {
    expect(await refusal(method, url, payload)).toBe(message);
  });
});
