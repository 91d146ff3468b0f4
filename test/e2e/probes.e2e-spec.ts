import { QUERY_PATTERNS } from '@memtrace/contracts';
import { AppProcess, ARC_DB, ARC_TOKEN, createStack, TenantStack, waitFor } from '@memtrace/testing';
import { waitForAcknowledged, writeLoad } from './ingest-fixtures';

jest.setTimeout(120_000);

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as any };
};

/**
 * What orchestrators read: every process's liveness and readiness (the query service's on its
 * metrics port, having no HTTP port of its own), and the workers' deployment-wide backlog that
 * KEDA scales on — the real count of jobs no worker has taken, summed over orgs.
 */
describe('probes and the backlog endpoint', () => {
  let stack: TenantStack;
  let gateway: AppProcess;
  let worker: AppProcess;
  let query: AppProcess;
  let admin: AppProcess;

  beforeAll(async () => {
    // A worker holds at most 5 jobs of an org: with its store unreachable, the rest wait.
    stack = await createStack({ env: { MEMTRACE_INGEST_BATCH_ROWS: '5', MEMTRACE_INGEST_CONCURRENCY: '5' } });
    [gateway, worker, query, admin] = await Promise.all([stack.spawn('gateway'), stack.spawn('ingest-worker'), stack.spawn('query'), stack.spawn('admin')]);
  });
  afterAll(() => stack?.close());

  it('serves the gateway\'s OpenAPI document without a key: upstream\'s routes and the package version', async () => {
    const { status, body } = await getJson(`${gateway.url()}/api/openapi.json`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'Memtrace REST API', version: require('../../package.json').version } });
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/v1/memories', '/api/v1/search', '/api/v1/agents', '/api/v1/sessions/{id}/context']));
    expect(body.paths['/api/v1/memories'].post.requestBody).toBeDefined();
  });

  it('answers /health and /ready on every process, the query service on its metrics port', async () => {
    for (const url of [gateway.url(), admin.url(), worker.url('ingest-worker'), query.url('metrics')]) {
      expect((await getJson(`${url}/health`)).status).toBe(200);
      expect(await getJson(`${url}/ready`)).toEqual({ status: 200, body: { status: 'ready' } });
    }
    const metricsPort = await getJson(`${query.url('metrics')}/nothing`);
    expect(metricsPort.status).toBe(404);
    expect(metricsPort.body.hint).toMatch(/\/metrics, \/health and \/ready/);
  });

  it('reports the jobs no worker has taken, and zero once they are stored', async () => {
    expect((await getJson(`${worker.url('ingest-worker')}/backlog`)).body).toEqual({ backlog: 0, waiting: 0, prioritized: 0, delayed: 0, orgs: 0 });
    // The store is unreachable: the worker holds one turn's jobs and retries; the rest wait.
    stack.cli(['org', 'add-arc', stack.orgId, '--url', 'http://127.0.0.1:9', '--database', ARC_DB, '--replace']);
    // One at a time: writes that reach a gateway together share one job (group commit).
    const written = await writeLoad([gateway], stack.key, 30, 'backlog', 1);
    expect(written.every((w) => w.status === 201)).toBe(true);
    let backlog: any;
    await waitFor(
      async () => {
        backlog = (await getJson(`${worker.url('ingest-worker')}/backlog`)).body;
        return backlog.orgs === 1 && backlog.backlog >= 25;
      },
      20_000,
      'the backlog of 30 jobs minus one turn',
    );
    expect(backlog.backlog).toBeLessThanOrEqual(30);
    expect(backlog.backlog).toBe(backlog.waiting + backlog.prioritized + backlog.delayed);
    // The same figure is a gauge on the worker's metrics port.
    const metrics = await (await fetch(`${worker.url('metrics')}/metrics`)).text();
    expect(metrics).toMatch(/^memtrace_ingest_backlog_jobs \d+$/m);

    stack.cli(['org', 'add-arc', stack.orgId, '--url', stack.arc.url, '--database', ARC_DB, '--api-key', ARC_TOKEN, '--replace']);
    await waitForAcknowledged(stack, written);
    await waitFor(async () => (await getJson(`${worker.url('ingest-worker')}/backlog`)).body.backlog === 0, 20_000, 'an empty backlog');
  });

  it('exposes RPC, batch and flush metrics on the processes that do the work', async () => {
    const listed = await fetch(`${gateway.url()}/api/v1/memories?limit=1`, { headers: { 'x-api-key': stack.key } });
    expect(listed.status).toBe(200);
    const scrape = async (app: AppProcess) => (await fetch(`${app.url('metrics')}/metrics`)).text();
    const pattern = QUERY_PATTERNS.listMemories;
    expect(await scrape(gateway)).toMatch(new RegExp(`^memtrace_rpc_requests_total\\{side="client",pattern="${pattern}",outcome="ok"\\} [1-9]`, 'm'));
    expect(await scrape(query)).toMatch(new RegExp(`^memtrace_rpc_requests_total\\{side="server",pattern="${pattern}",outcome="ok"\\} [1-9]`, 'm'));
    const worker_ = await scrape(worker);
    expect(worker_).toMatch(/^memtrace_ingest_batch_rows_count [1-9]/m);
    expect(worker_).toMatch(/^memtrace_ingest_flush_duration_seconds_count [1-9]/m);
    // The unreachable store of the previous test was counted as store errors of the write.
    expect(worker_).toMatch(/^memtrace_store_errors_total\{org="[^"]+",operation="write"\} [1-9]/m);
  });
});
