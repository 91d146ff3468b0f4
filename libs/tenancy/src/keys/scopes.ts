export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_SCOPES: Scope[] = ['read', 'write'];

export class InvalidScopesError extends Error {}

/** Accepts upstream's CSV (`read,write`) or a list; rejects unknown or empty scopes. */
export function parseScopes(input: string | readonly string[]): Scope[] {
  const parts = (typeof input === 'string' ? input.split(',') : [...input]).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidScopesError('at least one scope is required (read, write, admin)');
  const unknown = parts.filter((p) => !(SCOPES as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new InvalidScopesError(`unknown scope(s): ${unknown.join(', ')}; valid scopes are read, write, admin`);
  }
  return SCOPES.filter((s) => parts.includes(s));
}

/** `admin` implies every scope, as upstream's permission helper defined it. */
export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes(required) || granted.includes('admin');
}
