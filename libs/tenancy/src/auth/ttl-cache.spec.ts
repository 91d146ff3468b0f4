import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('expires entries after the TTL', () => {
    const cache = new TtlCache<string, number>(1000);
    cache.set('a', 1, 0);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('stays bounded, evicting the oldest entry', () => {
    const cache = new TtlCache<number, number>(60_000, 3);
    [1, 2, 3, 4].forEach((n) => cache.set(n, n, 0));
    expect(cache.get(1, 0)).toBeUndefined();
    expect([2, 3, 4].map((n) => cache.get(n, 0))).toEqual([2, 3, 4]);
  });

  it('drops entries by predicate and entirely', () => {
    const cache = new TtlCache<string, { org: string }>(60_000);
    cache.set('k1', { org: 'a' }, 0);
    cache.set('k2', { org: 'b' }, 0);
    cache.deleteWhere((v) => v.org === 'a');
    expect(cache.get('k1', 0)).toBeUndefined();
    expect(cache.get('k2', 0)).toEqual({ org: 'b' });
    cache.clear();
    expect(cache.get('k2', 0)).toBeUndefined();
  });
});
