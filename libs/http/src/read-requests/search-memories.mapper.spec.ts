import { ID_PATTERN_MESSAGE, TAG_PATTERN_MESSAGE, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { HOUR_US, NOW_US, rejection } from '@memtrace/testing';
import { toSearchQuery } from './search-memories.mapper';

const DEFAULTS = { filter: {}, order: 'desc', limit: 50 };

describe('toSearchQuery (POST /api/v1/search)', () => {
  it.each([undefined, null, {}])('body %p means all defaults', (body) => {
    expect(toSearchQuery(body, NOW_US)).toEqual(DEFAULTS);
  });

  it('maps every field onto the typed query', () => {
    const query = toSearchQuery(
      {
        agent_id: 'agent_1',
        session_id: 'sess_1',
        memory_types: ['episodic', 'decision'],
        event_types: ['error'],
        tags: ['prod', 'eu.west'],
        content_contains: 'dark mode',
        min_importance: 0.5,
        since: '7d',
        until: '2026-02-08T00:00:00Z',
        limit: 20,
        order: 'asc',
      },
      NOW_US,
    );
    expect(query).toEqual({
      filter: {
        agentId: 'agent_1',
        sessionId: 'sess_1',
        memoryTypes: ['episodic', 'decision'],
        eventTypes: ['error'],
        tags: ['prod', 'eu.west'],
        contentContains: 'dark mode',
        minImportance: 0.5,
        sinceUs: NOW_US - 7 * 24 * HOUR_US,
        untilUs: Date.UTC(2026, 1, 8) * 1000,
      },
      order: 'asc',
      limit: 20,
    });
  });

  it('treats null fields, empty strings and empty arrays as not given', () => {
    const body = { agent_id: null, session_id: '', memory_types: [], event_types: null, tags: [''], content_contains: '', since: null, until: 'now', limit: null, order: null };
    expect(toSearchQuery(body, NOW_US)).toEqual(DEFAULTS);
  });

  it('folds field names case-insensitively, as Go decoded them; the exact spelling wins', () => {
    expect(toSearchQuery({ Agent_ID: 'agent_1', LIMIT: 3 }, NOW_US)).toEqual({ ...DEFAULTS, filter: { agentId: 'agent_1' }, limit: 3 });
    expect(toSearchQuery({ AGENT_ID: 'agent_x', agent_id: 'agent_1' }, NOW_US).filter.agentId).toBe('agent_1');
  });

  it('ignores unknown fields', () => {
    expect(toSearchQuery({ offset: 10, query: 'x' }, NOW_US)).toEqual(DEFAULTS);
  });

  it.each([
    [1, 1],
    [1000, 1000],
    [1001, 1000],
    [1e6, 1000],
  ])('limit %d → %d', (limit, expected) => {
    expect(toSearchQuery({ limit }, NOW_US).limit).toBe(expected);
  });

  it.each([0, -1])('limit %d is 400, as on the lists (upstream silently used 50)', (limit) => {
    expect(rejection(() => toSearchQuery({ limit }, NOW_US))).toEqual({ status: 400, message: 'invalid limit: must be at least 1' });
  });

  it('takes order asc or desc only', () => {
    expect(toSearchQuery({ order: 'asc' }, NOW_US).order).toBe('asc');
    expect(rejection(() => toSearchQuery({ order: 'random' }, NOW_US)).message).toBe('invalid order: must be asc or desc');
  });

  it('applies min_importance only when positive', () => {
    expect(toSearchQuery({ min_importance: 0 }, NOW_US).filter).not.toHaveProperty('minImportance');
    expect(toSearchQuery({ min_importance: -0.5 }, NOW_US).filter).not.toHaveProperty('minImportance');
    expect(toSearchQuery({ min_importance: 1.5 }, NOW_US).filter.minImportance).toBe(1.5);
  });

  it('passes free text through untouched: escaping is the store’s job', () => {
    const text = `100% of _all_ "quotes" 'and' \\back\\slashes; DROP TABLE x; -- 😀`;
    expect(toSearchQuery({ content_contains: text }, NOW_US).filter.contentContains).toBe(text);
  });

  it('refuses NUL in content_contains rather than dropping it (which widened the match)', () => {
    expect(rejection(() => toSearchQuery({ content_contains: '\u0000' }, NOW_US))).toEqual({ status: 400, message: 'content_contains cannot contain NUL characters' });
    expect(rejection(() => toSearchQuery({ content_contains: 'a\u0000b' }, NOW_US)).status).toBe(400);
  });

  it('caps content_contains at 1000 characters, counted as code points', () => {
    expect(toSearchQuery({ content_contains: 'a'.repeat(1000) }, NOW_US).filter.contentContains).toHaveLength(1000);
    expect(toSearchQuery({ content_contains: '😀'.repeat(1000) }, NOW_US).filter.contentContains).toHaveLength(2000);
    expect(rejection(() => toSearchQuery({ content_contains: 'a'.repeat(1001) }, NOW_US))).toEqual({ status: 400, message: 'content_contains is over 1000 characters' });
    expect(rejection(() => toSearchQuery({ content_contains: '😀'.repeat(1001) }, NOW_US)).status).toBe(400);
  });

  it.each([
    [[], 'invalid request body: expected a JSON object'],
    ['agent_1', 'invalid request body: expected a JSON object'],
    [42, 'invalid request body: expected a JSON object'],
    [{ agent_id: 5 }, 'invalid request body: agent_id must be a string'],
    [{ memory_types: 'episodic' }, 'invalid request body: memory_types must be an array of strings'],
    [{ tags: ['a', 1] }, 'invalid request body: tags must be an array of strings'],
    [{ limit: '10' }, 'invalid request body: limit must be an integer'],
    [{ limit: 5.5 }, 'invalid request body: limit must be an integer'],
    [{ min_importance: '0.5' }, 'invalid request body: min_importance must be a number'],
    [{ order: true }, 'invalid request body: order must be a string'],
    [{ since: 24 }, 'invalid request body: since must be a string'],
  ])('rejects wrong JSON types: %j', (body, message) => {
    expect(rejection(() => toSearchQuery(body, NOW_US))).toEqual({ status: 400, message });
  });

  it.each([
    [{ agent_id: 'agent 1' }, `invalid agent_id: ${ID_PATTERN_MESSAGE}`],
    [{ session_id: '_s' }, `invalid session_id: ${ID_PATTERN_MESSAGE}`],
    [{ memory_types: ['episodic', 'bad-type'] }, `invalid memory_type: ${TYPE_PATTERN_MESSAGE}`],
    [{ event_types: ['1st'] }, `invalid event_type: ${TYPE_PATTERN_MESSAGE}`],
    [{ tags: ['prod', 'a,b'] }, `invalid tag 'a,b': ${TAG_PATTERN_MESSAGE}`],
    [{ since: '1w' }, "invalid since: '1w' is neither a relative window nor an RFC 3339 timestamp"],
    [{ until: 'soon' }, "invalid until: 'soon' is neither a relative window nor an RFC 3339 timestamp"],
    [{ event_types: Array.from({ length: 101 }, () => 'x') }, 'invalid event_types: 101 values, at most 100 allowed'],
  ])('rejects invalid filter values with 400: %j', (body, message) => {
    expect(rejection(() => toSearchQuery(body, NOW_US))).toEqual({ status: 400, message });
  });
});
