import { AppProcess, createStack, httpRequest, READ_STACK, TenantStack } from '@memtrace/testing';

jest.setTimeout(300_000);

const PAIRS = 10_000;
const CONCURRENCY = 20;

/**
 * Issue 4's read-your-writes bar, at full size: 10,000 write-then-immediately-read pairs spread over
 * two gateway processes and two query processes, against the Arc double with Arc's 100 ms buffer
 * age, so most reads happen before the store can show the row and only the hot tier can answer.
 */
describe('read-your-writes across replicas', () => {
  let stack: TenantStack;
  let gateways: AppProcess[];
  let key: string;

  beforeAll(async () => {
    stack = await createStack(READ_STACK);
    ({ gateways, key } = stack);
  });

  afterAll(() => stack?.close());

  it(`${PAIRS} write-then-read pairs, each read on the other gateway: zero misses`, async () => {
    const misses: string[] = [];
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PAIRS) {
          const n = next++;
          const written = await httpRequest(gateways[n % 2], 'POST', '/api/v1/memories', { key, json: { agent_id: 'ryw-agent', content: `pair ${n}` } });
          if (written.status !== 201) {
            failures.push(`${n}: write ${written.status}`);
            continue;
          }
          const read = await httpRequest(gateways[(n + 1) % 2], 'GET', `/api/v1/memories/${written.body.id}`, { key });
          if (read.status !== 200 || read.body.content !== `pair ${n}`) misses.push(`${n}: ${read.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(misses).toEqual([]);
  });
});
