import { Global, Module } from '@nestjs/common';
import { AgentRepository } from './agent.repository';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';
import { ErasureRepository } from './erasure.repository';
import { MasterKeyVersionRepository } from './master-key-version.repository';
import { OrganizationRepository } from './organization.repository';
import { OrgLimitsRepository } from './org-limits.repository';
import { PrismaService } from './prisma.service';
import { RetentionRepository } from './retention.repository';
import { SessionRepository } from './session.repository';
import { StoreBindingRepository } from './store-binding.repository';

const providers = [
  PrismaService,
  OrganizationRepository,
  ApiKeyRepository,
  StoreBindingRepository,
  MasterKeyVersionRepository,
  AuditRepository,
  AgentRepository,
  SessionRepository,
  OrgLimitsRepository,
  ErasureRepository,
  RetentionRepository,
];

/** The control-plane data in PostgreSQL: the only code that talks to Prisma. */
@Global()
@Module({ providers, exports: providers })
export class CatalogModule {}
