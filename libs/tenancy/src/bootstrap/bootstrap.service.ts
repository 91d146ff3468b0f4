import { Injectable } from '@nestjs/common';
import { AuditRepository, PrismaService } from '@memtrace/catalog';
import { generateApiKey, hashApiKey } from '../keys/api-key';

export const BOOTSTRAP_ORG_ID = 'org_default';
export const BOOTSTRAP_KEY_NAME = 'admin';
/** Any constant works: it only has to be the same in every process that may bootstrap. */
const BOOTSTRAP_LOCK = 0x6d656d74;

export interface BootstrapResult {
  /** The admin key, present only for the one start that created it. */
  adminKey?: string;
  /** True when this start bound org_default to the embedded store. */
  boundEmbeddedStore: boolean;
}

/**
 * First start on an empty database: creates `org_default` and an `admin` key with every scope.
 * Several processes may start at once; a transaction-scoped advisory lock makes exactly one of
 * them do it. In standalone mode it also binds `org_default` to the embedded DuckDB file.
 */
@Injectable()
export class BootstrapService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditRepository,
  ) {}

  async run(options: { embeddedStorePath?: string } = {}): Promise<BootstrapResult> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`;
      const result: BootstrapResult = { boundEmbeddedStore: false };
      if ((await tx.organization.count()) === 0) {
        const adminKey = generateApiKey();
        await tx.organization.create({ data: { id: BOOTSTRAP_ORG_ID, name: 'Default' } });
        const key = await tx.apiKey.create({
          data: { orgId: BOOTSTRAP_ORG_ID, name: BOOTSTRAP_KEY_NAME, keyHash: hashApiKey(adminKey), scopes: ['read', 'write', 'admin'] },
        });
        await this.audit.record(
          { actor: 'system', orgId: BOOTSTRAP_ORG_ID, action: 'bootstrap', target: `key:${key.id}`, outcome: 'ok' },
          tx,
        );
        result.adminKey = adminKey;
      }
      if (options.embeddedStorePath) {
        const org = await tx.organization.findUnique({ where: { id: BOOTSTRAP_ORG_ID }, include: { storeBinding: true } });
        if (org && !org.storeBinding) {
          await tx.storeBinding.create({
            data: {
              id: 'bind_embedded',
              orgId: BOOTSTRAP_ORG_ID,
              kind: 'duckdb',
              url: options.embeddedStorePath,
              database: 'memtrace',
              measurement: 'events',
            },
          });
          await this.audit.record(
            { actor: 'system', orgId: BOOTSTRAP_ORG_ID, action: 'store-binding.set', target: 'bind_embedded', outcome: 'ok', detail: { kind: 'duckdb' } },
            tx,
          );
          result.boundEmbeddedStore = true;
        }
      }
      return result;
    });
  }
}
