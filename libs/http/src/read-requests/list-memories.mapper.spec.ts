import { ID_PATTERN_MESSAGE, TAG_PATTERN_MESSAGE, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { HOUR_US, NOW_US, rejection } from '@memtrace/testing';
import { toAgentMemoriesQuery, toListMemoriesQuery, toSessionMemoriesQuery } from './list-memories.mapper';


describe('toListMemoriesQuery (GET /api/v1/memories)', () => {
  it('defaults: whole org, all time, newest first, 100 rows from 0', () => {
    expect(toListMemoriesQuery({}, NOW_US)).toEqual({ filter: {}, order: 'desc', limit: 100, offset: 0 });
    expect(toListMemoriesQuery(undefined, NOW_US)).toEqual(toListMemoriesQuery({}, NOW_US));
  });

  it('maps every parameter onto the typed query', () => {
    const query = toListMemoriesQuery(
      {
        agent_id: 'agent_1',
        session_id: 'sess-1',
        memory_type: 'episodic',
        event_type: 'page_crawled',
        tags: ' prod , eu-west.1,',
        since: '2h',
        until: '30m',
        limit: '25',
        offset: '50',
        order: 'asc',
      },
      NOW_US,
    );
    expect(query).toEqual({
      filter: {
        agentId: 'agent_1',
        sessionId: 'sess-1',
        memoryTypes: ['episodic'],
        eventTypes: ['page_crawled'],
        tags: ['prod', 'eu-west.1'],
        sinceUs: NOW_US - 2 * HOUR_US,
        untilUs: NOW_US - HOUR_US / 2,
      },
      order: 'asc',
      limit: 25,
      offset: 50,
    });
  });

  it('treats empty values as not given', () => {
    const query = toListMemoriesQuery({ agent_id: '', memory_type: '', tags: ' , ', since: '', until: 'now', order: '' }, NOW_US);
    expect(query.filter).toEqual({});
  });

  it('accepts timestamps for since and until', () => {
    const query = toListMemoriesQuery({ since: '2026-02-01T00:00:00Z', until: '2026-02-07T00:00:00.5Z' }, NOW_US);
    expect(query.filter.sinceUs).toBe(Date.UTC(2026, 1, 1) * 1000);
    expect(query.filter.untilUs).toBe(Date.UTC(2026, 1, 7) * 1000 + 500_000);
  });

  it.each([
    ['', 100],
    ['1', 1],
    ['+10', 10],
    ['007', 7],
    ['1000', 1000],
    ['1001', 1000],
    ['5000', 1000],
  ])('limit %p → %d (clamped, not reset, above 1000)', (limit, expected) => {
    expect(toListMemoriesQuery({ limit }, NOW_US).limit).toBe(expected);
  });

  it.each([
    ['abc', 'invalid limit: must be an integer'],
    ['5.5', 'invalid limit: must be an integer'],
    [' 5', 'invalid limit: must be an integer'],
    ['0', 'invalid limit: must be at least 1'],
    ['-5', 'invalid limit: must be at least 1'],
  ])('limit %p is 400 (upstream silently used 100)', (limit, message) => {
    expect(rejection(() => toListMemoriesQuery({ limit }, NOW_US))).toEqual({ status: 400, message });
  });

  it.each([
    ['', 0],
    ['0', 0],
    ['7', 7],
  ])('offset %p → %d', (offset, expected) => {
    expect(toListMemoriesQuery({ offset }, NOW_US).offset).toBe(expected);
  });

  it.each([
    ['-1', 'invalid offset: must be at least 0'],
    ['x', 'invalid offset: must be an integer'],
  ])('offset %p is 400 (upstream silently used 0)', (offset, message) => {
    expect(rejection(() => toListMemoriesQuery({ offset }, NOW_US))).toEqual({ status: 400, message });
  });

  it.each([
    ['', 'desc'],
    ['desc', 'desc'],
    ['asc', 'asc'],
  ])('order %p → %s', (order, expected) => {
    expect(toListMemoriesQuery({ order }, NOW_US).order).toBe(expected);
  });

  it.each(['ASC', 'sideways', 'asc '])('order %p is 400 (upstream read it as desc)', (order) => {
    expect(rejection(() => toListMemoriesQuery({ order }, NOW_US))).toEqual({ status: 400, message: 'invalid order: must be asc or desc' });
  });

  it('does not check memory_type against the enum, as upstream (an unknown type matches nothing)', () => {
    expect(toListMemoriesQuery({ memory_type: 'made_up' }, NOW_US).filter.memoryTypes).toEqual(['made_up']);
  });

  it.each([
    [{ agent_id: '1agent' }, `invalid agent_id: ${ID_PATTERN_MESSAGE}`],
    [{ agent_id: `a${'b'.repeat(128)}` }, `invalid agent_id: ${ID_PATTERN_MESSAGE}`],
    [{ session_id: "sess' OR 1=1" }, `invalid session_id: ${ID_PATTERN_MESSAGE}`],
    [{ memory_type: 'epi-sodic' }, `invalid memory_type: ${TYPE_PATTERN_MESSAGE}`],
    [{ event_type: 'a b' }, `invalid event_type: ${TYPE_PATTERN_MESSAGE}`],
    [{ tags: 'ok,not ok' }, `invalid tag 'not ok': ${TAG_PATTERN_MESSAGE}`],
    [{ tags: 'x'.repeat(65) }, `invalid tag '${'x'.repeat(65)}': ${TAG_PATTERN_MESSAGE}`],
    [{ since: 'yesterday' }, "invalid since: 'yesterday' is neither a relative window nor an RFC 3339 timestamp"],
    [{ until: '400d' }, 'invalid until: 400d is out of range (h: 1-8760, d: 1-365, m (minutes): 1-8760)'],
    [{ agent_id: ['a', 'b'] }, 'invalid agent_id: given 2 times, expected once'],
    [{ tags: Array.from({ length: 101 }, (_, i) => `t${i}`).join(',') }, 'invalid tags: 101 values, at most 100 allowed'],
  ])('rejects %j with 400', (params, message) => {
    expect(rejection(() => toListMemoriesQuery(params, NOW_US))).toEqual({ status: 400, message });
  });
});

describe('toAgentMemoriesQuery (GET /api/v1/agents/:id/memories)', () => {
  it('takes the agent from the path and defaults since to 24h', () => {
    expect(toAgentMemoriesQuery('agent_1', {}, NOW_US)).toEqual({
      filter: { agentId: 'agent_1', sinceUs: NOW_US - 24 * HOUR_US },
      order: 'desc',
      limit: 100,
    });
    expect(toAgentMemoriesQuery('agent_1', { since: '' }, NOW_US).filter.sinceUs).toBe(NOW_US - 24 * HOUR_US);
  });

  it('honours memory_type, event_type, since, limit and order, and ignores the rest', () => {
    const query = toAgentMemoriesQuery(
      'agent_1',
      { memory_type: 'decision', event_type: 'decision', since: '2h', limit: '10', order: 'asc', agent_id: 'other', session_id: 's', tags: 'x', until: '1h', offset: '5' },
      NOW_US,
    );
    expect(query).toEqual({
      filter: { agentId: 'agent_1', memoryTypes: ['decision'], eventTypes: ['decision'], sinceUs: NOW_US - 2 * HOUR_US },
      order: 'asc',
      limit: 10,
    });
  });

  it('ignores even invalid values of the parameters it does not honour', () => {
    expect(() => toAgentMemoriesQuery('agent_1', { agent_id: '!!', tags: 'a b', until: 'garbage', offset: '-1' }, NOW_US)).not.toThrow();
  });

  it('validates the limit and order it honours as the list does', () => {
    expect(rejection(() => toAgentMemoriesQuery('agent_1', { limit: '0' }, NOW_US)).message).toBe('invalid limit: must be at least 1');
    expect(rejection(() => toAgentMemoriesQuery('agent_1', { order: 'sideways' }, NOW_US)).message).toBe('invalid order: must be asc or desc');
    expect(rejection(() => toSessionMemoriesQuery('sess_1', { limit: 'abc' }, NOW_US)).message).toBe('invalid limit: must be an integer');
  });

  it('rejects a path id failing the ID pattern', () => {
    expect(rejection(() => toAgentMemoriesQuery('../admin', {}, NOW_US))).toEqual({ status: 400, message: `invalid agent_id: ${ID_PATTERN_MESSAGE}` });
    expect(rejection(() => toAgentMemoriesQuery('', {}, NOW_US))).toEqual({ status: 400, message: `invalid agent_id: ${ID_PATTERN_MESSAGE}` });
  });
});

describe('toSessionMemoriesQuery (GET /api/v1/sessions/:id/memories)', () => {
  it('takes the session from the path, with no default window', () => {
    expect(toSessionMemoriesQuery('sess_1', {}, NOW_US)).toEqual({ filter: { sessionId: 'sess_1' }, order: 'desc', limit: 100 });
  });

  it('honours memory_type, since, limit and order only', () => {
    const query = toSessionMemoriesQuery('sess_1', { memory_type: 'session', since: '1d', limit: '2000', order: 'asc', event_type: 'x', agent_id: 'a' }, NOW_US);
    expect(query).toEqual({
      filter: { sessionId: 'sess_1', memoryTypes: ['session'], sinceUs: NOW_US - 24 * HOUR_US },
      order: 'asc',
      limit: 1000,
    });
  });

  it('rejects a bad path id and a bad filter', () => {
    expect(rejection(() => toSessionMemoriesQuery('sess 1', {}, NOW_US))).toEqual({ status: 400, message: `invalid session_id: ${ID_PATTERN_MESSAGE}` });
    expect(rejection(() => toSessionMemoriesQuery('sess_1', { memory_type: '9x' }, NOW_US)).message).toBe(`invalid memory_type: ${TYPE_PATTERN_MESSAGE}`);
  });
});

describe('the order of checks across path and query', () => {
  it('checks the session memories’ memory_type before the path id, and the agent’s path id first (as the parsers did)', () => {
    expect(rejection(() => toSessionMemoriesQuery('sess 1', { memory_type: '9x' }, NOW_US)).message).toMatch(/^invalid memory_type: /);
    expect(rejection(() => toSessionMemoriesQuery('sess 1', { since: 'soon' }, NOW_US)).message).toMatch(/^invalid session_id: /);
    expect(rejection(() => toAgentMemoriesQuery('a b', { memory_type: '9x' }, NOW_US)).message).toMatch(/^invalid agent_id: /);
  });
});
