import { validate, version } from 'uuid';
import { MEMORY_ID_PATTERN, newMemoryId } from './ids';

describe('newMemoryId', () => {
  it('mints valid, distinct UUIDv7s with the current time, across pool refills', () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, () => newMemoryId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(validate(id) && version(id)).toBe(7);
      expect(id).toMatch(MEMORY_ID_PATTERN);
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
  });
});
