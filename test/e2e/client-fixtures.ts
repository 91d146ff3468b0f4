import { AppProcess, spawnApp } from '@memtrace/testing';
import { createIngestStack, IngestStack } from './ingest-fixtures';

/**
 * The whole stack as client code meets it: gateway, ingest worker, query and admin processes, one
 * org on the Arc double (Arc's 100 ms buffer age) with a read/write key, a read-only key, and a
 * second org with no store binding (for the "arc instance" 503).
 */
export interface ClientStack {
  stack: IngestStack;
  gateway: AppProcess;
  /** The gateway's base URL, as a client is configured with it. */
  baseUrl: string;
  key: string;
  readOnlyKey: string;
  unboundKey: string;
  close(): Promise<void>;
}

export async function createClientStack(envOverrides: Record<string, string> = {}): Promise<ClientStack> {
  const stack = await createIngestStack(envOverrides);
  try {
    const readOnlyKey = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'reader', '--permissions', 'read']).key;
    const unbound = stack.cli(['org', 'create', 'unbound-co']);
    const unboundKey = stack.cli(['key', 'create', '--org', unbound.id, '--name', 'c', '--permissions', 'read,write']).key;
    await stack.spawn('query');
    await stack.spawn('ingest-worker');
    stack.apps.push(await spawnApp('admin', stack.env.env));
    const gateway = await stack.spawn('gateway');
    return { stack, gateway, baseUrl: gateway.url(), key: stack.key, readOnlyKey, unboundKey, close: () => stack.close() };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
