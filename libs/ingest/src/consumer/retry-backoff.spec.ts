import { backoffDelayMs, sleep } from './retry-backoff';

describe('backoffDelayMs', () => {
  it('grows exponentially up to the cap', () => {
    const max = (attempt: number) => backoffDelayMs(attempt, 100, 30_000, () => 1);
    expect([0, 1, 2, 3].map(max)).toEqual([100, 200, 400, 800]);
    expect(max(20)).toBe(30_000);
    expect(max(10_000)).toBe(30_000);
  });

  it('jitters over the whole interval', () => {
    expect(backoffDelayMs(3, 100, 30_000, () => 0)).toBe(0);
    expect(backoffDelayMs(3, 100, 30_000, () => 0.5)).toBe(400);
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts, and at once when it already has', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const nap = sleep(60_000, stop.signal);
    stop.abort();
    await nap;
    await sleep(60_000, stop.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
