import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './test-env';

/** A private redis-server (AOF everysec, as production runs it) that a test can kill and bring back. */
export interface RedisProcess {
  readonly url: string;
  /** SIGKILL: an outage as abrupt as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (its AOF replays); resolves once it answers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'memtrace-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    try {
      await probe.connect().catch(() => undefined);
      await probe.ping();
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private three-master Redis Cluster (no replicas), as `../shared/toolchain.md` starts one. */
export interface RedisClusterProcess {
  /** `host:port` of every master, comma-separated: REDIS_CLUSTER_NODES. */
  readonly nodes: string;
  readonly ports: number[];
  stop(): Promise<void>;
}

export async function spawnRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'memtrace-redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const children = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await untilAnswers(`redis://127.0.0.1:${port}`, () => true);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) await untilAnswers(`redis://127.0.0.1:${port}`, (info) => info.includes('cluster_state:ok'), 'CLUSTER INFO');
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, stop };
}

/** Polls a node until it answers and `ready` accepts its reply (PING, or the command given). */
async function untilAnswers(url: string, ready: (reply: string) => boolean, command?: 'CLUSTER INFO'): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  try {
    await probe.connect().catch(() => undefined);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const reply = command ? String(await probe.cluster('INFO')) : await probe.ping();
      if (ready(reply)) return;
      if (Date.now() > deadline) throw new Error(`${url} not ready: ${reply}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    probe.disconnect();
  }
}
