import { Module } from '@nestjs/common';
import { ApiKeyService } from './api-keys/api-key.service';
import { AuditService } from './audit/audit.service';
import { OrganizationService } from './organizations/organization.service';
import { OrgLimitsService } from './organizations/org-limits.service';
import { OrgRetentionService } from './organizations/org-retention.service';
import { MasterKeyRotationService } from './store-bindings/master-key-rotation.service';
import { StoreBindingService } from './store-bindings/store-binding.service';
import { StoreUrlPolicyService } from './store-bindings/store-url-policy.service';

const services = [AuditService, OrganizationService, ApiKeyService, StoreBindingService, StoreUrlPolicyService, MasterKeyRotationService, OrgLimitsService, OrgRetentionService];

/** The admin service layer, shared by the HTTP API and the `memtrace` CLI. */
@Module({ providers: services, exports: services })
export class AdminCoreModule {}
