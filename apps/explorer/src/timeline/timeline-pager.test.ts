import type { SearchQuery } from '@memtrace/sdk';
import { describe, expect, it } from 'vitest';
import { formatTimeUs, parseWireTimeUs } from '../api/time';
import { NO_FILTERS, searchBody, TimelinePager, type StoredMemory } from './timeline-pager';

const BASE_US = Date.UTC(2026, 1, 8, 12) * 1000;

function memory(n: number, agentId: string, timeUs: number): StoredMemory {
  return { id: `0198c0de-0000-7000-8000-${String(n).padStart(12, '0')}`, time: formatTimeUs(timeUs).replace(/\.?0+Z$/, 'Z'), org_id: 'org', agent_id: agentId, memory_type: 'episodic', event_type: 'general', content: `m${n}` };
}

/** `POST /search` over `rows` as the server answers it: agent_id exact, time < until, newest (time, id) first, limit. */
function searchOver(rows: StoredMemory[], asked: SearchQuery[] = []) {
  return async (query: SearchQuery) => {
    asked.push(query);
    const until = query.until ? parseWireTimeUs(query.until) : Number.POSITIVE_INFINITY;
    const results = rows
      .filter((m) => m.agent_id === query.agent_id && parseWireTimeUs(m.time) < until)
      .sort((a, b) => parseWireTimeUs(b.time) - parseWireTimeUs(a.time) || (a.id < b.id ? 1 : -1))
      .slice(0, query.limit ?? 50);
    return { results, count: results.length, query_time_ms: 0 };
  };
}

async function drain(pager: TimelinePager): Promise<string[]> {
  for (let pages = 0; !pager.done; pages++) {
    if (pages > 1000) throw new Error('pager does not finish');
    await pager.next();
  }
  return pager.rows.map((m) => m.id);
}

describe('TimelinePager', () => {
  it('pages newest first over every alias, without gaps or repeats, when times tie across page boundaries', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      let state = seed;
      const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      // Many ties, but fewer per (agent id, microsecond) than a page: a cursor on time can always move on.
      const groups = new Map<string, number>();
      const rows = Array.from({ length: 30 }, (_, n) => memory(n, random() < 0.5 ? 'agent_abc' : 'sdr-7', BASE_US + Math.floor(random() * 10) * 1000 + (random() < 0.3 ? 1 : 0))).filter((m) => {
        const group = `${m.agent_id} ${m.time}`;
        groups.set(group, (groups.get(group) ?? 0) + 1);
        return groups.get(group)! <= 2;
      });
      rows.push(memory(999, 'someone-else', BASE_US));
      const pager = new TimelinePager(searchOver(rows), ['sdr-7', 'agent_abc'], { preset: '24h', since: '24h' }, NO_FILTERS, 3 + (seed % 4));
      const expected = rows
        .filter((m) => m.agent_id !== 'someone-else')
        .sort((a, b) => parseWireTimeUs(b.time) - parseWireTimeUs(a.time) || (a.id < b.id ? 1 : -1))
        .map((m) => m.id);
      expect(await drain(pager)).toEqual(expected);
    }
  });

  it('asks for the next page below a cursor one microsecond past the boundary, with the filters', async () => {
    const rows = [memory(1, 'a', BASE_US + 5), memory(5, 'a', BASE_US + 4), memory(2, 'a', BASE_US + 3), memory(3, 'a', BASE_US + 3), memory(4, 'a', BASE_US + 1)];
    const asked: SearchQuery[] = [];
    const filters = { memoryType: 'decision', eventType: ' error ', tags: 'a, b,', text: 'x', minImportance: '0.5' };
    const pager = new TimelinePager(searchOver(rows, asked), ['a'], { preset: 'custom', since: '2026-02-08T00:00:00Z', until: '2026-02-09T00:00:00Z' }, filters, 3);
    // The page ends on m3 at +3, and m2 shares that microsecond: only what is newer is certain.
    expect((await pager.next()).map((m) => m.content)).toEqual(['m1', 'm5']);
    expect(asked[0]).toEqual({ agent_id: 'a', since: '2026-02-08T00:00:00Z', until: '2026-02-09T00:00:00Z', limit: 3, order: 'desc', memory_types: ['decision'], event_types: ['error'], tags: ['a', 'b'], content_contains: 'x', min_importance: 0.5 });
    expect(await drain(pager)).toHaveLength(5);
    expect(asked.map((q) => q.until)).toEqual(['2026-02-09T00:00:00Z', '2026-02-08T12:00:00.000004Z', '2026-02-08T12:00:00.000002Z']);
    expect(pager.rows.map((m) => m.content)).toEqual(['m1', 'm5', 'm3', 'm2', 'm4']);
  });

  it('says so when more memories than a page share one microsecond', async () => {
    const rows = [memory(1, 'a', BASE_US), memory(2, 'a', BASE_US), memory(3, 'a', BASE_US)];
    const pager = new TimelinePager(searchOver(rows), ['a'], { preset: '1h', since: '1h' }, NO_FILTERS, 2);
    await pager.next();
    await expect(pager.next()).rejects.toThrow(/more than 2 memories share the time/);
  });

  it('sends no filter that is empty', () => {
    expect(searchBody('a', { preset: '1h', since: '1h' }, NO_FILTERS, undefined, 1000)).toEqual({ agent_id: 'a', since: '1h', limit: 1000, order: 'desc' });
  });
});
