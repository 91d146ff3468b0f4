import { AppName, AppProcess, runCli, spawnApp } from './app-process';
import { ArcDoubleProcess, spawnArcDouble } from './arc-double';
import { createTestEnv, freePort, TestEnv } from './test-env';

/** The Arc double's token and database of the stack's tenant. */
export const ARC_TOKEN = 'arc-test-token-0123456789abcdef';
export const ARC_DB = 'memtrace_e2e';

/** Timings of the ingest path short enough that a suite sees retries, lock expiry and confirmation within seconds. */
const TENANT_ENV: Record<string, string> = {
  MEMTRACE_WORKER_LOCK_MS: '2000',
  MEMTRACE_INGEST_BATCH_MS: '20',
  MEMTRACE_RETRY_MAX_DELAY_MS: '1000',
  MEMTRACE_CONFIRM_TIMEOUT_MS: '5000',
  MEMTRACE_STORE_TIMEOUT_MS: '3000',
  MEMTRACE_WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
};

export interface StackOptions {
  /** Environment of every process of the stack, over the test defaults. */
  env?: Record<string, string>;
  /**
   * A tenant ("ingest-co") bound to a spawned Arc double (Arc's 100 ms buffer age), with a
   * read/write key, and the short ingest timings above. `false`: neither, for suites of the
   * admin API, the CLI or the standalone that bring their own orgs. Default true.
   */
  arc?: boolean;
  /** Also a read-only key ("reader") of the tenant: `stack.readOnlyKey`. */
  readOnlyKey?: boolean;
  /** Also a second org ("other-co") on its own Arc database, with a read/write key: `stack.otherKey`. */
  otherOrg?: boolean;
  /** Also an org without a store binding ("unbound-co"), with a read/write key: `stack.unboundKey`. */
  unboundOrg?: boolean;
  /**
   * Processes started before the stack is handed out, in this order: the query services (with two
   * or more, on ports of their own, and every gateway rotates over them), the ingest worker, the
   * admin process, the gateways. Suites that start processes themselves use `stack.spawn`.
   */
  start?: { queries?: number; worker?: boolean; admin?: boolean; gateways?: number };
}

/**
 * The whole stack as client code meets it (the SDK, MCP and model-integration suites): query,
 * worker, admin and one gateway; a read-only key and an org without a store binding besides the
 * tenant's read/write key.
 */
export const CLIENT_STACK = { readOnlyKey: true, unboundOrg: true, start: { queries: 1, worker: true, admin: true, gateways: 1 } } satisfies StackOptions;

/**
 * The read side (the read API suites): two query processes and two gateways that rotate over
 * both, one worker; a read-only key, a second org on its own Arc database and an unbound org.
 */
export const READ_STACK = { readOnlyKey: true, otherOrg: true, unboundOrg: true, start: { queries: 2, worker: true, gateways: 2 } } satisfies StackOptions;

/** Processes on the suite's own database and Redis prefix. */
export interface Stack {
  env: TestEnv;
  /** Every process started, in start order; `close()` stops them all. */
  apps: AppProcess[];
  /** The gateways and query services started, in start order. */
  gateways: AppProcess[];
  queries: AppProcess[];
  /** The first gateway, and its base URL as a client is configured with it. */
  readonly gateway: AppProcess;
  readonly baseUrl: string;
  /** Starts an app on the stack's environment (plus `env`) and stops it with the stack. */
  spawn(app: AppName, env?: Record<string, string>): Promise<AppProcess>;
  /** Runs a `memtrace --json` command against the stack's database; returns its parsed output, throws on failure. */
  cli(args: string[], env?: Record<string, string>): any;
  close(): Promise<void>;
}

/** A stack with a tenant on the Arc double (`createStack()` without `arc: false`). */
export interface TenantStack extends Stack {
  arc: ArcDoubleProcess;
  orgId: string;
  /** The tenant's read/write key. */
  key: string;
  readonly readOnlyKey: string;
  readonly otherKey: string;
  readonly unboundKey: string;
}

/** The one e2e stack builder: a test environment, optionally a tenant on the Arc double, and the processes asked for. */
export function createStack(options: StackOptions & { arc: false }): Promise<Stack>;
export function createStack(options?: StackOptions): Promise<TenantStack>;
export async function createStack(options: StackOptions = {}): Promise<Stack | TenantStack> {
  const withTenant = options.arc !== false;
  const env = await createTestEnv({ ...(withTenant ? TENANT_ENV : {}), ...options.env });
  const apps: AppProcess[] = [];
  const gateways: AppProcess[] = [];
  const queries: AppProcess[] = [];
  let arc: ArcDoubleProcess | undefined;
  const stack: Stack = {
    env,
    apps,
    gateways,
    queries,
    get gateway() {
      if (!gateways[0]) throw new Error('the stack has no gateway: start one with `start: { gateways: 1 }` or `stack.spawn("gateway")`');
      return gateways[0];
    },
    get baseUrl() {
      return stack.gateway.url();
    },
    async spawn(app, more = {}) {
      const process = await spawnApp(app, { ...env.env, ...more });
      apps.push(process);
      if (app === 'gateway') gateways.push(process);
      if (app === 'query') queries.push(process);
      return process;
    },
    cli(args, more = {}) {
      const result = runCli(['--json', ...args], { ...env.env, ...more });
      if (result.code !== 0) throw new Error(`memtrace ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
    async close() {
      await Promise.all(apps.map((a) => a.stop()));
      await arc?.stop();
      await env.close();
    },
  };
  try {
    const result = withTenant ? await addTenant(stack, options, (spawned) => (arc = spawned)) : stack;
    await startProcesses(stack, options.start ?? {});
    return result;
  } catch (error) {
    await stack.close();
    throw error;
  }
}

async function addTenant(stack: Stack, options: StackOptions, onArc: (arc: ArcDoubleProcess) => void): Promise<TenantStack> {
  const arc = await spawnArcDouble({ maxBufferAgeMs: 100, auth: { [ARC_TOKEN]: ['read', 'write', 'admin'] } });
  onArc(arc);
  const keyOf = (orgId: string, name: string, permissions: string): string =>
    stack.cli(['key', 'create', '--org', orgId, '--name', name, '--permissions', permissions]).key;
  const org = stack.cli(['org', 'create', 'ingest-co']);
  stack.cli(['org', 'add-arc', org.id, '--url', arc.url, '--database', ARC_DB, '--api-key', ARC_TOKEN]);
  const key = keyOf(org.id, 'writer', 'read,write');
  const extra: Record<'readOnlyKey' | 'otherKey' | 'unboundKey', string | undefined> = { readOnlyKey: undefined, otherKey: undefined, unboundKey: undefined };
  if (options.readOnlyKey) extra.readOnlyKey = keyOf(org.id, 'reader', 'read');
  if (options.otherOrg) {
    const other = stack.cli(['org', 'create', 'other-co']);
    stack.cli(['org', 'add-arc', other.id, '--url', arc.url, '--database', `${ARC_DB}_b`, '--api-key', ARC_TOKEN]);
    extra.otherKey = keyOf(other.id, 'b', 'read,write');
  }
  if (options.unboundOrg) extra.unboundKey = keyOf(stack.cli(['org', 'create', 'unbound-co']).id, 'c', 'read,write');
  const asked = (name: keyof typeof extra, option: keyof StackOptions): string => {
    const value = extra[name];
    if (value === undefined) throw new Error(`the stack has no ${name}: create it with createStack({ ${option}: true })`);
    return value;
  };
  // On the stack object itself, so that `stack.spawn` and the getters above keep working on it.
  return Object.defineProperties(stack, {
    arc: { value: arc, enumerable: true },
    orgId: { value: org.id as string, enumerable: true },
    key: { value: key, enumerable: true },
    readOnlyKey: { get: () => asked('readOnlyKey', 'readOnlyKey') },
    otherKey: { get: () => asked('otherKey', 'otherOrg') },
    unboundKey: { get: () => asked('unboundKey', 'unboundOrg') },
  }) as TenantStack;
}

async function startProcesses(stack: Stack, start: NonNullable<StackOptions['start']>): Promise<void> {
  const queryPorts = [stack.env.env.MEMTRACE_QUERY_PORT];
  while (queryPorts.length < (start.queries ?? 0)) queryPorts.push(String(await freePort()));
  if (queryPorts.length > 1) stack.env.env.MEMTRACE_QUERY_ADDRESSES = queryPorts.map((port) => `127.0.0.1:${port}`).join(',');
  for (const port of queryPorts.slice(0, start.queries ?? 0)) await stack.spawn('query', { MEMTRACE_QUERY_PORT: port });
  if (start.worker) await stack.spawn('ingest-worker');
  if (start.admin) await stack.spawn('admin');
  for (let i = 0; i < (start.gateways ?? 0); i++) await stack.spawn('gateway');
}
