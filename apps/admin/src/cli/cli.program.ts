import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, describeStartupError, packageVersion } from '@memtrace/config';
import { AppError } from '@memtrace/contracts';
import { InvalidationBus } from '@memtrace/redis';
import { generateMasterKey, MasterKeyError } from '@memtrace/tenancy';
import { Command, Option } from 'commander';
import { userInfo } from 'node:os';
import { toBindingResponse, toKeyInput, toKeyResponse, toLimitChanges, toLimitsResponse, toOrgResponse, toRetentionChange } from '../admin.mapper';
import { ApiKeyService } from '../api-keys/api-key.service';
import { CreateApiKeyRequestDto } from '../api-keys/dto/create-api-key.request.dto';
import { Actor, cliActor } from '../audit/actor';
import { CreateOrganizationRequestDto } from '../organizations/dto/create-organization.request.dto';
import { orgIdFrom } from '../organizations/dto/org-id.dto';
import { SetOrgLimitsRequestDto } from '../organizations/dto/set-org-limits.request.dto';
import { SetOrgRetentionRequestDto } from '../organizations/dto/set-org-retention.request.dto';
import { OrganizationService } from '../organizations/organization.service';
import { OrgLimitsService, OrgLimitsView } from '../organizations/org-limits.service';
import { OrgRetentionService, toRetentionResponse } from '../organizations/org-retention.service';
import { toErasureReceipt, type RetentionRules } from '@memtrace/catalog';
import { SetStoreBindingRequestDto } from '../store-bindings/dto/set-store-binding.request.dto';
import { MasterKeyRotationService } from '../store-bindings/master-key-rotation.service';
import { StoreBindingService } from '../store-bindings/store-binding.service';
import { validateInput } from '../validation/input-validation.util';
import { CliIo, keyTable, orgTable } from './cli-output';
import { CliModule } from './cli.module';

type Context = { get<T>(type: new (...args: never[]) => T): T; actor: Actor };

/**
 * `memtrace` admin commands: the same arguments, output lines and exit codes as upstream's CLI,
 * plus `--json`. They work on PostgreSQL directly (a server need not run) through the admin
 * service layer, and notify running servers over Redis when it is reachable.
 */
export function buildCli(io: CliIo, config: () => AppConfig): Command {
  const program = new Command('memtrace')
    .description('Memtrace: memory for fleets of AI agents. Admin commands work directly on PostgreSQL.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  let app: INestApplicationContext | undefined;
  const run = (action: (ctx: Context, json: boolean, ...args: any[]) => Promise<void>) =>
    async (...args: any[]) => {
      const command = args[args.length - 1] as Command;
      const json = Boolean(command.optsWithGlobals().json);
      try {
        app ??= await NestFactory.createApplicationContext(CliModule.forRoot(config()), { logger: false, abortOnError: false });
        const ctx: Context = { get: (type) => app!.get(type), actor: cliActor(userInfo().username) };
        await action(ctx, json, ...args.slice(0, -1));
        if (app.get(InvalidationBus).undelivered > 0) {
          io.err('warning: Redis is unreachable, so running servers were not notified; they pick the change up within MEMTRACE_AUTH_CACHE_TTL_MS');
        }
      } catch (error) {
        reportError(io, error, config);
        process.exitCode = 1;
      } finally {
        await app?.close();
        app = undefined;
      }
    };
  const print = (json: boolean, value: unknown, text: string) => io.out(json ? JSON.stringify(value, null, 2) : text);

  program
    .command('serve')
    .description('run the server (standalone by default; `--app gateway|admin` for one app)')
    .addOption(new Option('--app <app>', 'which app to run').choices(['standalone', 'gateway', 'admin']).default('standalone'));

  const keygen = program.command('keygen').description('generate secrets');
  keygen
    .command('master')
    .description('print a new master key (base64 of 32 random bytes) for MEMTRACE_MASTER_KEY')
    .action((_opts, command: Command) => {
      const key = generateMasterKey();
      print(Boolean(command.optsWithGlobals().json), { key }, key);
    });

  const org = program.command('org').description('manage organizations and their Arc bindings');
  org
    .command('create <name>')
    .description('create an organization')
    .action(run(async (ctx, json, name: string) => {
      const created = await ctx.get(OrganizationService).create(ctx.actor, validateInput(CreateOrganizationRequestDto, { name }, 'name').name);
      print(json, toOrgResponse(created), `Organization created\n  id:   ${created.id}\n  name: ${created.name}`);
    }));
  org
    .command('list')
    .description('list organizations')
    .action(run(async (ctx, json) => {
      const orgs = await ctx.get(OrganizationService).list(ctx.actor);
      print(json, { orgs: orgs.map(toOrgResponse), count: orgs.length }, orgTable(orgs));
    }));
  org
    .command('delete <org_id>')
    .description('delete an organization with its keys, binding, agents, sessions and memories (erased first by the worker tier)')
    .option('--keep-memories', "delete the organization at once and leave its store's data alone")
    .action(run(async (ctx, json, orgId: string, opts: { keepMemories?: boolean }) => {
      const outcome = await ctx.get(OrganizationService).delete(ctx.actor, orgIdFrom(orgId), { keepMemories: opts.keepMemories });
      if (outcome.state === 'deleted') print(json, { deleted: orgId }, `Organization ${orgId} deleted`);
      else {
        const text = `Organization ${orgId}: keys revoked; its memories are being erased (erasure ${outcome.erasure.id}), then it is deleted. Its receipt is in the audit log (GET /admin/v1/audit?org_id=${orgId}).`;
        print(json, { org_id: orgId, state: 'erasing', erasure: toErasureReceipt(outcome.erasure) }, text);
      }
    }));
  org
    .command('add-arc <org_id>')
    .description("bind an organization to its Arc instance (the token is encrypted with MEMTRACE_MASTER_KEY)")
    .requiredOption('--url <url>', 'Arc base URL, e.g. http://arc:8000')
    .requiredOption('--database <database>', 'Arc database')
    .option('--api-key <token>', 'Arc API token')
    .option('--measurement <measurement>', 'measurement (table) name', 'events')
    .option('--replace', 'replace an existing binding instead of refusing')
    .action(run(async (ctx, json, orgId: string, opts: { url: string; database: string; apiKey?: string; measurement: string; replace?: boolean }) => {
      const input = validateInput(
        SetStoreBindingRequestDto,
        { kind: 'arc', url: opts.url, database: opts.database, measurement: opts.measurement, token: opts.apiKey || undefined },
        'arc binding',
      );
      const service = ctx.get(StoreBindingService);
      await service.set(ctx.actor, orgIdFrom(orgId), input, { replace: Boolean(opts.replace) });
      const view = await service.show(ctx.actor, orgId);
      print(json, toBindingResponse(view), `Arc instance bound to ${orgId}\n  url:      ${input.url}\n  database: ${input.database}`);
    }));
  org
    .command('show-arc <org_id>')
    .description("show an organization's Arc binding, token masked")
    .action(run(async (ctx, json, orgId: string) => {
      const view = await ctx.get(StoreBindingService).show(ctx.actor, orgIdFrom(orgId));
      const { row } = view;
      print(
        json,
        toBindingResponse(view),
        [
          `Arc instance for ${orgId}`,
          `  id:          ${row.id}`,
          `  kind:        ${row.kind}`,
          `  url:         ${row.url}`,
          `  database:    ${row.database}`,
          `  measurement: ${row.measurement}`,
          `  api_key:     ${view.maskedToken}`,
          ...(view.tokenError ? [`  warning:     ${view.tokenError}`] : []),
        ].join('\n'),
      );
    }));
  org
    .command('remove-arc <org_id>')
    .description("remove an organization's Arc binding (the org is kept)")
    .action(run(async (ctx, json, orgId: string) => {
      await ctx.get(StoreBindingService).remove(ctx.actor, orgIdFrom(orgId));
      print(json, { removed: orgId }, `Arc instance removed for ${orgId}`);
    }));

  const limits = org.command('limits').description("an organization's rate limits (defaults: MEMTRACE_RATE_LIMIT_*)");
  const showLimits = (json: boolean, view: OrgLimitsView) => {
    const wire = toLimitsResponse(view, config().rateLimits.burstSeconds);
    const line = (name: keyof typeof wire.limits) => `  ${name.padEnd(24)} ${wire.limits[name]}${wire.overrides[name] === null ? ' (default)' : ''}`;
    print(json, wire, [`Rate limits of ${view.orgId} (per second; bursts of ${wire.burst_seconds} s)`, ...Object.keys(wire.limits).map((n) => line(n as keyof typeof wire.limits))].join('\n'));
  };
  limits
    .command('show <org_id>')
    .description('show the limits that apply to an organization')
    .action(run(async (ctx, json, orgId: string) => showLimits(json, await ctx.get(OrgLimitsService).show(ctx.actor, orgIdFrom(orgId)))));
  limits
    .command('set <org_id>')
    .description('override limits of an organization (a number, or `default` to drop the override)')
    .option('--requests-per-second <n>', 'requests/s of the whole org')
    .option('--memories-per-second <n>', 'memories written/s of the whole org (a batch counts its items)')
    .option('--key-requests-per-second <n>', 'requests/s of each API key')
    .option('--key-memories-per-second <n>', 'memories written/s of each API key')
    .action(run(async (ctx, json, orgId: string, opts: Record<string, string | undefined>) => {
      const value = (v: string | undefined) => (v === undefined ? undefined : v === 'default' ? null : /^\d+$/.test(v) ? Number(v) : v);
      const changes = validateInput(SetOrgLimitsRequestDto, {
        requests_per_second: value(opts.requestsPerSecond),
        memories_per_second: value(opts.memoriesPerSecond),
        key_requests_per_second: value(opts.keyRequestsPerSecond),
        key_memories_per_second: value(opts.keyMemoriesPerSecond),
      }, 'limits');
      showLimits(json, await ctx.get(OrgLimitsService).set(ctx.actor, orgIdFrom(orgId), toLimitChanges(changes)));
    }));
  limits
    .command('reset <org_id>')
    .description('drop every override: the organization gets the deployment defaults')
    .action(run(async (ctx, json, orgId: string) => showLimits(json, await ctx.get(OrgLimitsService).reset(ctx.actor, orgIdFrom(orgId)))));

  const retention = org.command('retention').description("an organization's retention: memories older than this are erased by the worker tier");
  /** Runs `change` on the org named by the argument and prints the rules it leaves. */
  const onRetention = (change: (service: OrgRetentionService, actor: Actor, orgId: string, opts: { days: string; memoryType?: string }) => Promise<RetentionRules>) =>
    run(async (ctx, json, orgId: string, opts: { days: string; memoryType?: string }) => {
      const id = orgIdFrom(orgId);
      showRetention(json, id, await change(ctx.get(OrgRetentionService), ctx.actor, id, opts));
    });
  const showRetention = (json: boolean, orgId: string, rules: RetentionRules) => {
    const types = Object.entries(rules.memoryTypes).map(([type, days]) => `  ${type.padEnd(10)} ${days} days`);
    const text = rules.days === null && types.length === 0 ? `${orgId} keeps its memories (no retention)` : [`Retention of ${orgId}`, `  ${'default'.padEnd(10)} ${rules.days === null ? 'kept' : `${rules.days} days`}`, ...types].join('\n');
    print(json, toRetentionResponse(orgId, rules), text);
  };
  retention
    .command('show <org_id>')
    .description('show the retention rules of an organization')
    .action(onRetention((service, actor, id) => service.show(actor, id)));
  retention
    .command('set <org_id>')
    .description('erase memories older than --days (of --memory-type only, if given); `--days none` drops the rule')
    .requiredOption('--days <n>', 'days to keep a memory, or `none`')
    .option('--memory-type <type>', 'a rule for this memory type (episodic, decision, entity, session) instead of every type')
    .action(onRetention((service, actor, id, opts) => {
      const days = opts.days === 'none' ? null : /^\d+$/.test(opts.days) ? Number(opts.days) : opts.days;
      return service.set(actor, id, toRetentionChange(validateInput(SetOrgRetentionRequestDto, { days, memory_type: opts.memoryType }, 'retention')));
    }));
  retention
    .command('clear <org_id>')
    .description('drop every retention rule: the organization keeps its memories')
    .action(onRetention((service, actor, id) => service.clear(actor, id)));

  const key = program.command('key').description('manage API keys');
  key
    .command('create')
    .description('create an API key (shown only once)')
    .requiredOption('--org <org_id>', 'organization')
    .requiredOption('--name <name>', 'key name, unique within the org')
    .option('--permissions <scopes>', 'comma-separated scopes: read, write, admin', 'read,write')
    .option('--expires-at <time>', 'RFC 3339 expiry time')
    .action(run(async (ctx, json, opts: { org: string; name: string; permissions: string; expiresAt?: string }) => {
      const input = validateInput(CreateApiKeyRequestDto, { name: opts.name, scopes: opts.permissions, expires_at: opts.expiresAt }, 'key');
      const created = await ctx.get(ApiKeyService).create(ctx.actor, orgIdFrom(opts.org), toKeyInput(input));
      print(json, { ...toKeyResponse(created.row), key: created.key }, `API key created (shown only once — save it now):\n${created.key}`);
    }));
  key
    .command('list')
    .description("list an organization's API keys (never the keys themselves)")
    .requiredOption('--org <org_id>', 'organization')
    .action(run(async (ctx, json, opts: { org: string }) => {
      const keys = await ctx.get(ApiKeyService).list(ctx.actor, orgIdFrom(opts.org));
      print(json, { keys: keys.map(toKeyResponse), count: keys.length }, keyTable(keys));
    }));
  key
    .command('revoke <key_id>')
    .description('revoke an API key; running servers stop accepting it within a second')
    .action(run(async (ctx, json, keyId: string) => {
      const id = Number(keyId);
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('bad_request', 'key id must be a positive integer');
      const revoked = await ctx.get(ApiKeyService).revoke(ctx.actor, id);
      print(json, toKeyResponse(revoked), `Key ${id} revoked`);
    }));

  program
    .command('master-key')
    .description('manage the master key that encrypts store tokens')
    .command('rotate')
    .description('re-encrypt every store token under --new-key (or the current MEMTRACE_MASTER_KEY), in one transaction')
    .option('--new-key <base64>', 'the new master key (from `memtrace keygen master`)')
    .action(run(async (ctx, json, opts: { newKey?: string }) => {
      const result = await ctx.get(MasterKeyRotationService).rotate(ctx.actor, opts.newKey);
      print(
        json,
        { rotated: result.rotated, key_version: result.keyVersion },
        `Master key rotated: ${result.rotated} binding(s) re-encrypted` +
          (result.rotated ? ` (key version ${result.keyVersion})` : '') +
          (opts.newKey ? '\nNow set MEMTRACE_MASTER_KEY to the new key on every Memtrace process.' : ''),
      );
    }));

  return program;
}

function reportError(io: CliIo, error: unknown, config: () => AppConfig) {
  if (error instanceof AppError) {
    io.err(`error: ${error.message}`);
    if (error.hint) io.err(`hint: ${error.hint}`);
  } else if (error instanceof MasterKeyError) {
    io.err(`error: ${error.message}`);
  } else {
    // Driver errors (an unreachable PostgreSQL, say) carry stack-like text: name the dependency instead.
    const message = describeStartupError(error as Error, config());
    io.err(`error: ${message.split('\n').find((line) => line.trim()) ?? 'unexpected failure'}`);
  }
}
