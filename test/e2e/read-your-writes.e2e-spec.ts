import { AppProcess } from '@memtrace/testing';
import { call, createReadStack, ReadStack } from './read-fixtures';

jest.setTimeout(300_000);

const PAIRS = 10_000;
const CONCURRENCY = 20;

/**
 * Issue 4's read-your-writes bar, at full size: 10,000 write-then-immediately-read pairs spread over
 * two gateway processes and two query processes, against the Arc double with Arc's 100 ms buffer
 * age, so most reads happen before the store can show the row and only the hot tier can answer.
 */
describe('read-your-writes across replicas', () => {
  let stack: ReadStack['stack'];
  let gateways: AppProcess[];
  let key: string;

  beforeAll(async () => {
    ({ stack, gateways, keyA: key } = await createReadStack());
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
          const written = await call(gateways[n % 2], key, 'POST', '/api/v1/memories', { agent_id: 'ryw-agent', content: `pair ${n}` });
          if (written.status !== 201) {
            failures.push(`${n}: write ${written.status}`);
            continue;
          }
          const read = await call(gateways[(n + 1) % 2], key, 'GET', `/api/v1/memories/${written.body.id}`);
          if (read.status !== 200 || read.body.content !== `pair ${n}`) misses.push(`${n}: ${read.status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(misses).toEqual([]);
  });
});
