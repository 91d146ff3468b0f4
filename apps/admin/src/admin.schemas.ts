import { ID_PATTERN, MEMORY_TYPES } from '@memtrace/contracts';
import { parseScopes, DEFAULT_SCOPES, InvalidScopesError } from '@memtrace/tenancy';
import { z } from 'zod';

/** Request shapes shared by the admin HTTP API and the CLI, so both validate identically. */
export const orgIdSchema = z.string().regex(ID_PATTERN, 'must start with a letter; letters, digits, _ and - (max 128)');

export const createOrgSchema = z.object({ name: z.string().trim().min(1, 'name is required').max(200) }).strict();

export const scopesSchema = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value, ctx) => {
    if (value === undefined) return DEFAULT_SCOPES;
    try {
      return parseScopes(value);
    } catch (error) {
      if (!(error instanceof InvalidScopesError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

export const createKeySchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(200),
    scopes: scopesSchema,
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** Arc's own name rules (arc.md §2.5); measurements also become bare SQL identifiers, so no `-`. */
export const ARC_DATABASE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
export const MEASUREMENT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;

export const bindingSchema = z
  .object({
    // Embedded DuckDB bindings are made by the standalone server itself: letting an API caller name a
    // file path on the server would let a tenant admin open arbitrary files.
    kind: z.literal('arc', { error: 'kind must be "arc" (embedded stores are configured by the standalone server)' }).default('arc'),
    url: z.string().min(1, 'url is required').max(2048),
    database: z.string().regex(ARC_DATABASE_PATTERN, 'database must start with a letter; letters, digits, _ and - (max 64)'),
    measurement: z
      .string()
      .regex(MEASUREMENT_PATTERN, 'measurement must start with a letter; letters, digits and _ (max 128)')
      .default('events'),
    token: z.string().max(4096).optional(),
  })
  .strict()
  .superRefine((binding, ctx) => {
    const url = URL.canParse(binding.url) ? new URL(binding.url) : undefined;
    if (!/^https?:\/\/[^\s]+$/.test(binding.url) || !url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'an arc url must be http:// or https://' });
    } else if (url.username || url.password) {
      // For everyone, the operator too: fetch refuses such URLs, and the URL is stored and shown in clear.
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'an arc url must not carry credentials; pass the token as `token`, which is stored encrypted' });
    }
  });

export const rotateSchema = z.object({ new_key: z.string().optional() }).strict();

export const auditQuerySchema = z.object({
  org_id: orgIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** A limit per second; `null` goes back to the deployment default. */
const perSecond = z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000).nullable().optional();

export const limitsSchema = z
  .object({
    requests_per_second: perSecond,
    memories_per_second: perSecond,
    key_requests_per_second: perSecond,
    key_memories_per_second: perSecond,
  })
  .strict()
  .refine((l) => Object.values(l).some((v) => v !== undefined), {
    message: 'give at least one of requests_per_second, memories_per_second, key_requests_per_second, key_memories_per_second',
  })
  .transform((l) => ({
    requestsPerSecond: l.requests_per_second,
    memoriesPerSecond: l.memories_per_second,
    keyRequestsPerSecond: l.key_requests_per_second,
    keyMemoriesPerSecond: l.key_memories_per_second,
  }));

/** One retention rule: `days` for `memory_type` (or every type without its own rule); `null` drops it. */
export const retentionSchema = z
  .object({
    days: z.number().int('must be a whole number of days').min(1, 'must be at least 1').max(36_500, 'must be at most 36500 (100 years)').nullable(),
    memory_type: z.enum(MEMORY_TYPES).optional(),
  })
  .strict()
  .transform((r) => ({ days: r.days, memoryType: r.memory_type }));

/** `DELETE /admin/v1/orgs/:org?keep_memories=true`: delete the org at once and leave its store alone. */
export const deleteOrgQuerySchema = z
  .object({ keep_memories: z.enum(['true', 'false']).optional() })
  .strict()
  .transform((q) => ({ keep_memories: q.keep_memories === 'true' }));
