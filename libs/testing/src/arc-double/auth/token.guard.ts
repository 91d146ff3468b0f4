// Arc's token auth (reference/arc.md §1): a global check that some valid token is present on
// every non-public route (401), then a per-route permission check (403). `admin` satisfies
// every permission. Bodies are Go maps, so their keys come out sorted.
import type { ArcPermission, ArcTokenTable } from '../arc-double.types';
import { formatRfc3339 } from '../go-value.formatter';
import { DataRequest, DataResponse, headerValue, jsonResponse } from '../http/data-exchange.types';

/** What a route needs: nothing, any valid token, or one permission. */
export type RouteAccess = 'public' | 'authenticated' | ArcPermission;

/** The token in Arc's order of precedence (§1.1), or null when the request carries none. */
export function extractToken(request: DataRequest): string | null {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  if (authorization.startsWith('Token ')) return authorization.slice('Token '.length);
  if (authorization !== '') return authorization;
  const apiKey = headerValue(request.headers, 'x-api-key');
  if (apiKey !== '') return apiKey;
  const legacy = request.query.get('p');
  return legacy ? legacy : null;
}

export class TokenGuard {
  private readonly createdAt = formatRfc3339(new Date());

  constructor(private readonly tokens: ArcTokenTable | false) {}

  /** Null when the request may proceed, otherwise Arc's 401 or 403 reply. */
  check(request: DataRequest, access: RouteAccess): DataResponse | null {
    if (this.tokens === false || access === 'public') return null;
    const token = extractToken(request);
    if (token === null) return jsonResponse(401, { error: 'Authentication required', success: false });
    const permissions = this.tokens[token];
    if (!permissions) return jsonResponse(401, { error: 'Invalid or expired token', success: false });
    if (access === 'authenticated' || permissions.includes('admin') || permissions.includes(access)) return null;
    return jsonResponse(403, { error: `Permission denied: ${access} required`, success: false });
  }

  /** GET /api/v1/auth/verify: public, but only a valid token gets a useful answer. */
  verify(request: DataRequest): DataResponse {
    const token = extractToken(request);
    if (this.tokens === false) return jsonResponse(200, { valid: true, permissions: ['read', 'write', 'delete', 'admin'] });
    if (token === null) return jsonResponse(401, { valid: false, error: 'No token provided' });
    const permissions = this.tokens[token];
    if (!permissions) return jsonResponse(401, { valid: false, error: 'Invalid or expired token' });
    const id = Object.keys(this.tokens).indexOf(token) + 1;
    return jsonResponse(200, {
      valid: true,
      token_info: {
        id,
        name: `token-${id}`,
        permissions,
        created_at: this.createdAt,
        enabled: true,
        expires_at: null,
      },
      permissions,
    });
  }
}
