import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { toErasureReceipt } from '@memtrace/catalog';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { CurrentPrincipal, Principal, RequireScope } from '@memtrace/tenancy';
import { actorFromPrincipal, Actor, assertOperator } from './audit/actor';
import { AuditService } from './audit/audit.service';
import { ApiKeyService } from './api-keys/api-key.service';
import { toAuditResponse, toBindingResponse, toKeyInput, toKeyResponse, toLimitChanges, toLimitsResponse, toOrgResponse, toRetentionChange } from './admin.mapper';
import { CreateApiKeyRequestDto } from './api-keys/dto/create-api-key.request.dto';
import { ListAuditQueryDto } from './audit/dto/list-audit.query.dto';
import { CreateOrganizationRequestDto } from './organizations/dto/create-organization.request.dto';
import { DeleteOrganizationQueryDto } from './organizations/dto/delete-organization.query.dto';
import { SetOrgLimitsRequestDto } from './organizations/dto/set-org-limits.request.dto';
import { SetOrgRetentionRequestDto } from './organizations/dto/set-org-retention.request.dto';
import { RotateMasterKeyRequestDto } from './store-bindings/dto/rotate-master-key.request.dto';
import { SetStoreBindingRequestDto } from './store-bindings/dto/set-store-binding.request.dto';
import { InputValidationPipe, OrgIdPipe } from './validation/input-validation.pipe';
import { orgIdFrom } from './organizations/dto/org-id.dto';
import { OrganizationService } from './organizations/organization.service';
import { OrgLimitsService } from './organizations/org-limits.service';
import { OrgRetentionService, toRetentionResponse } from './organizations/org-retention.service';
import { MasterKeyRotationService } from './store-bindings/master-key-rotation.service';
import { StoreBindingService } from './store-bindings/store-binding.service';
import { StoreHealthService } from './store-bindings/store-health.service';

/**
 * The admin HTTP API. Every route needs the `admin` scope; handlers get validated input (request
 * DTOs, org ids) and delegate.
 *
 * A request with a bad org id and a bad body is refused for the one its route has always checked
 * first. Nest runs the pipes of a route's parameters from the last parameter to the first, so the
 * parameter checked first is declared last (admin.controller.spec.ts holds each route to it).
 */
@Controller('admin/v1')
@RequireScope('admin')
export class AdminController {
  constructor(
    private readonly config: AppConfig,
    private readonly orgs: OrganizationService,
    private readonly keys: ApiKeyService,
    private readonly bindings: StoreBindingService,
    private readonly rotation: MasterKeyRotationService,
    private readonly audit: AuditService,
    private readonly storeHealth: StoreHealthService,
    private readonly limits: OrgLimitsService,
    private readonly retention: OrgRetentionService,
  ) {}

  private actor(principal: Principal): Actor {
    return actorFromPrincipal(principal, this.config.bootstrap.operatorOrgId);
  }

  @Post('orgs')
  async createOrg(@CurrentPrincipal() p: Principal, @Body(InputValidationPipe) body: CreateOrganizationRequestDto) {
    return toOrgResponse(await this.orgs.create(this.actor(p), body.name));
  }

  @Get('orgs')
  async listOrgs(@CurrentPrincipal() p: Principal) {
    const orgs = (await this.orgs.list(this.actor(p))).map(toOrgResponse);
    return { orgs, count: orgs.length };
  }

  @Get('orgs/:orgId')
  async getOrg(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toOrgResponse(await this.orgs.get(this.actor(p), orgId));
  }

  /**
   * 204 when the org is gone at once (no store binding, or `keep_memories=true`); otherwise 202
   * with the erasure of its memories, after which the worker tier deletes the org.
   */
  @Delete('orgs/:orgId')
  async deleteOrg(
    @CurrentPrincipal() p: Principal,
    @Param('orgId', OrgIdPipe) orgId: string,
    @Query(InputValidationPipe) query: DeleteOrganizationQueryDto,
    @Res() reply: FastifyReply,
  ) {
    const outcome = await this.orgs.delete(this.actor(p), orgId, { callerOrgId: p.orgId, keepMemories: query.keep_memories === 'true' });
    if (outcome.state === 'deleted') await reply.code(204).send();
    else await reply.code(202).send({ org_id: orgId, state: 'erasing', erasure: toErasureReceipt(outcome.erasure) });
  }

  @Post('orgs/:orgId/keys')
  async createKey(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string, @Body(InputValidationPipe) body: CreateApiKeyRequestDto) {
    const created = await this.keys.create(this.actor(p), orgId, toKeyInput(body));
    return { ...toKeyResponse(created.row), key: created.key };
  }

  @Get('orgs/:orgId/keys')
  async listKeys(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    const keys = (await this.keys.list(this.actor(p), orgId)).map(toKeyResponse);
    return { keys, count: keys.length };
  }

  @Delete('orgs/:orgId/keys/:keyId')
  async revokeKey(@CurrentPrincipal() p: Principal, @Param('orgId') orgId: string, @Param('keyId') keyId: string) {
    return toKeyResponse(await this.keys.revoke(this.actor(p), keyIdParam(keyId), orgIdFrom(orgId)));
  }

  @Put('orgs/:orgId/store')
  async setBinding(@CurrentPrincipal() p: Principal, @Body(InputValidationPipe) body: SetStoreBindingRequestDto, @Param('orgId', OrgIdPipe) orgId: string) {
    const actor = this.actor(p);
    await this.bindings.set(actor, orgId, body, { replace: true });
    return toBindingResponse(await this.bindings.show(actor, orgId));
  }

  @Get('orgs/:orgId/store')
  async showBinding(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toBindingResponse(await this.bindings.show(this.actor(p), orgId));
  }

  @Delete('orgs/:orgId/store')
  @HttpCode(204)
  async removeBinding(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    await this.bindings.remove(this.actor(p), orgId);
  }

  @Get('orgs/:orgId/limits')
  async showLimits(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toLimitsResponse(await this.limits.show(this.actor(p), orgId), this.config.rateLimits.burstSeconds);
  }

  @Put('orgs/:orgId/limits')
  async setLimits(@CurrentPrincipal() p: Principal, @Body(InputValidationPipe) body: SetOrgLimitsRequestDto, @Param('orgId', OrgIdPipe) orgId: string) {
    const view = await this.limits.set(this.actor(p), orgId, toLimitChanges(body));
    return toLimitsResponse(view, this.config.rateLimits.burstSeconds);
  }

  @Delete('orgs/:orgId/limits')
  async resetLimits(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toLimitsResponse(await this.limits.reset(this.actor(p), orgId), this.config.rateLimits.burstSeconds);
  }

  @Get('orgs/:orgId/retention')
  async showRetention(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toRetentionResponse(orgId, await this.retention.show(this.actor(p), orgId));
  }

  /** One rule per call: `{"days": 90}`, `{"days": 30, "memory_type": "episodic"}`, `{"days": null, …}` drops it. */
  @Put('orgs/:orgId/retention')
  async setRetention(@CurrentPrincipal() p: Principal, @Body(InputValidationPipe) body: SetOrgRetentionRequestDto, @Param('orgId', OrgIdPipe) orgId: string) {
    return toRetentionResponse(orgId, await this.retention.set(this.actor(p), orgId, toRetentionChange(body)));
  }

  @Delete('orgs/:orgId/retention')
  async clearRetention(@CurrentPrincipal() p: Principal, @Param('orgId', OrgIdPipe) orgId: string) {
    return toRetentionResponse(orgId, await this.retention.clear(this.actor(p), orgId));
  }

  /** Every org's store health (upstream's public `arc` map), for operators only. */
  @Get('stores/health')
  async storesHealth(@CurrentPrincipal() p: Principal) {
    assertOperator(this.actor(p), this.config.bootstrap.operatorOrgId);
    const arc = await this.storeHealth.tenants();
    return { arc, count: Object.keys(arc).length };
  }

  @Post('master-key/rotate')
  @HttpCode(200)
  async rotate(@CurrentPrincipal() p: Principal, @Body(InputValidationPipe) body: RotateMasterKeyRequestDto) {
    const result = await this.rotation.rotate(this.actor(p), body.new_key);
    return { rotated: result.rotated, key_version: result.keyVersion };
  }

  @Get('audit')
  async listAudit(@CurrentPrincipal() p: Principal, @Query(InputValidationPipe) query: ListAuditQueryDto) {
    const actor = this.actor(p);
    const orgId = actor.scopeOrgId ?? query.org_id;
    const events = (await this.audit.list({ orgId, limit: query.limit })).map(toAuditResponse);
    return { events, count: events.length };
  }
}

function keyIdParam(keyId: string): number {
  const id = Number(keyId);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('bad_request', 'key id must be a positive integer');
  return id;
}
