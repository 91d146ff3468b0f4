import { Memtrace, MemtraceError } from '@memtrace/sdk';

/** What `GET /api/v1/auth/verify` says about a key. */
export interface KeyIdentity {
  org_id: string;
  key_id: string;
  key_name: string;
  scopes: string[];
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A `fetch` that browsers accept: called unbound (a `fetch` called on another object throws). */
const browserFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/**
 * The explorer talks only to the public REST API, with the signed-in key, through the published
 * SDK: it sees exactly what the key may see, and its calls are the ones any client makes.
 */
export function createClient(key: string, fetch: FetchLike = browserFetch, baseUrl = location.origin): Memtrace {
  return new Memtrace(baseUrl, key, { fetch: fetch as typeof globalThis.fetch, timeout: 20_000, maxRetries: 1 });
}

/** Checks a key before keeping it; throws an `Error` whose message is meant for the user. */
export async function verifyKey(key: string, fetch: FetchLike = browserFetch, baseUrl = location.origin): Promise<KeyIdentity> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/v1/auth/verify`, { headers: { 'x-api-key': key, accept: 'application/json' } });
  } catch (error) {
    throw new Error(`Could not reach the Memtrace server (${(error as Error).message}).`);
  }
  const body = (await response.json().catch(() => ({}))) as Partial<KeyIdentity> & { error?: string };
  if (response.status === 401) throw new Error(`The server did not accept this key: ${body.error ?? 'invalid API key'}.`);
  if (response.status === 403) throw new Error(`This key cannot read memories: ${body.error ?? 'forbidden'}. Use a key with the read scope.`);
  if (!response.ok) throw new Error(`Sign-in failed: ${body.error ?? `HTTP ${response.status}`}.`);
  return body as KeyIdentity;
}

/** A failure as one line for the user: the server's message and hint, or what went wrong on the way. */
export function describeError(error: unknown): string {
  if (error instanceof MemtraceError) {
    const status = error.statusCode ? `${error.statusCode}: ` : '';
    return `${status}${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The ids an agent's memories may carry: the one given and, for a registered agent, its id and name (as the server's agent routes match). */
export function agentAliases(id: string, agent: { id: string; name: string } | null): string[] {
  return agent ? [...new Set([id, agent.id, agent.name])] : [id];
}
