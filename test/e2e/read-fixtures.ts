import { AppProcess, freePort, spawnApp } from '@memtrace/testing';
import { ARC_DB, ARC_TOKEN, createIngestStack, IngestStack } from './ingest-fixtures';

export interface Reply {
  status: number;
  body: any;
  text: string;
}

/** One HTTP call as an SDK makes it: JSON body with Content-Type, or a raw body to test parsing. */
export async function call(gateway: AppProcess, key: string, method: string, path: string, body?: unknown, rawBody?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'x-api-key': key };
  if (body !== undefined || rawBody !== undefined) headers['content-type'] = 'application/json';
  const reply = await fetch(`${gateway.url()}${path}`, { method, headers, body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await reply.text();
  return { status: reply.status, text, body: text ? JSON.parse(text) : undefined };
}

/**
 * The read-side stack: org A (the ingest stack's org, with a read/write and a read-only key), org B
 * (its own Arc database) and org C (no store binding); two query processes, two gateways that
 * rotate over both, and one ingest worker, against the Arc double (100 ms buffer age).
 */
export interface ReadStack {
  stack: IngestStack;
  gateways: AppProcess[];
  queries: AppProcess[];
  keyA: string;
  readOnlyA: string;
  keyB: string;
  keyC: string;
}

export async function createReadStack(): Promise<ReadStack> {
  const stack = await createIngestStack();
  const readOnlyA = stack.cli(['key', 'create', '--org', stack.orgId, '--name', 'reader', '--permissions', 'read']).key;
  const orgB = stack.cli(['org', 'create', 'other-co']);
  stack.cli(['org', 'add-arc', orgB.id, '--url', stack.arc.url, '--database', `${ARC_DB}_b`, '--api-key', ARC_TOKEN]);
  const keyB = stack.cli(['key', 'create', '--org', orgB.id, '--name', 'b', '--permissions', 'read,write']).key;
  const orgC = stack.cli(['org', 'create', 'unbound-co']);
  const keyC = stack.cli(['key', 'create', '--org', orgC.id, '--name', 'c', '--permissions', 'read,write']).key;
  const secondPort = String(await freePort());
  stack.env.env.MEMTRACE_QUERY_ADDRESSES = `127.0.0.1:${stack.env.env.MEMTRACE_QUERY_PORT},127.0.0.1:${secondPort}`;
  const queries = [await stack.spawn('query'), await spawnApp('query', { ...stack.env.env, MEMTRACE_QUERY_PORT: secondPort })];
  stack.apps.push(queries[1]);
  const gateways = await Promise.all([stack.spawn('gateway'), stack.spawn('gateway')]);
  await stack.spawn('ingest-worker');
  return { stack, gateways, queries, keyA: stack.key, readOnlyA, keyB, keyC };
}
