import { hasMore } from './read-limits.util';

describe('hasMore', () => {
  it('is count >= limit, with the clamped limit', () => {
    expect(hasMore(100, 100)).toBe(true);
    expect(hasMore(99, 100)).toBe(false);
    expect(hasMore(0, 1)).toBe(false);
    // A request for 5000 rows reads 1000 (the clamp): a full page.
    expect(hasMore(1000, 1000)).toBe(true);
  });
});
