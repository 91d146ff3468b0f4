import { AuditEntry } from '@memtrace/catalog';
import { ErrorBody } from '@memtrace/contracts';
import { apiKeyFromHeaders, hashApiKey, Principal, PRINCIPAL_KEY } from '@memtrace/tenancy';
import type { FastifyRequest } from 'fastify';

/**
 * The answers that refuse an attempt: no or a bad key, a scope or role it lacks, something that is
 * not there (which is also how another tenant's org is answered, see `assertCanManage`), a conflict
 * such as deleting one's own org. Bad input (400, 413, 415) is not an attempt on anything.
 */
const REFUSAL_REASONS: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict' };

/**
 * The audit record of a refused admin request, or undefined when the answer is no refusal or the
 * route does not exist (a scanner's 404 is not an admin attempt). It is built from what the caller
 * sent and was answered, nothing else: the action is the route, the target the path as given, the
 * detail the reason and the error message the caller got. So for a tenant admin the record of an
 * attempt on another org reads exactly like one on an org that does not exist.
 *
 * Who sees it: the operator (every record). A caller whose key was verified also sees it in its own
 * org's log (`org_id` is the caller's org, never the target's): it is its own key's attempt and
 * tells it nothing the 404 did not, while the target org never sees an attempt on it and so learns
 * nothing about the caller. Unverified callers (401) have no org: operator only.
 */
export function toRefusalEntry(request: FastifyRequest, status: number, body: ErrorBody): AuditEntry | undefined {
  const reason = REFUSAL_REASONS[status];
  const route = request.routeOptions.url;
  if (!reason || !route) return undefined;
  const principal = (request as unknown as Record<string, Principal | undefined>)[PRINCIPAL_KEY];
  return {
    actor: principal ? `key:${principal.keyId}` : presentedKey(request),
    orgId: principal?.orgId ?? null,
    action: `${request.method} ${route}`,
    target: request.url.split('?')[0],
    outcome: 'denied',
    detail: { reason, error: body.error },
  };
}

/** A key that did not verify is named by a hash prefix only: the record must not hold a usable key. */
function presentedKey(request: FastifyRequest): string {
  const key = apiKeyFromHeaders(request.headers);
  return key ? `key-hash:${hashApiKey(key).slice(0, 12)}` : 'anonymous';
}
