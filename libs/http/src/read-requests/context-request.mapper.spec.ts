import { ID_PATTERN_MESSAGE, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { HOUR_US, NOW_US, rejection } from '@memtrace/testing';
import { MAX_CONTEXT_TOKENS } from './context.request.dto';
import { toAgentContextRequest, toSessionContextRequest } from './context-request.mapper';


describe('toSessionContextRequest (POST /api/v1/sessions/:id/context)', () => {
  const defaults = {
    subject: { kind: 'session', id: 'sess_1' },
    query: { filter: { sessionId: 'sess_1', sinceUs: NOW_US - 24 * HOUR_US }, order: 'desc', limit: 100 },
    maxTokens: undefined,
  };

  it.each([undefined, null, {}, { since: '' }])('body %p means defaults: 24h, all types, 100 rows, no budget', (body) => {
    expect(toSessionContextRequest('sess_1', body, NOW_US)).toEqual(defaults);
  });

  it.each(['not json', [], 7])('body %p is 400, as on search (upstream silently used the defaults)', (body) => {
    expect(rejection(() => toSessionContextRequest('sess_1', body, NOW_US))).toEqual({ status: 400, message: 'invalid request body: expected a JSON object' });
  });

  it('honours since, include_types and max_tokens', () => {
    const request = toSessionContextRequest('sess_1', { since: '2h', include_types: ['episodic', 'decision'], max_tokens: 500 }, NOW_US);
    expect(request).toEqual({
      subject: { kind: 'session', id: 'sess_1' },
      query: { filter: { sessionId: 'sess_1', memoryTypes: ['episodic', 'decision'], sinceUs: NOW_US - 2 * HOUR_US }, order: 'desc', limit: 100 },
      maxTokens: 500,
    });
  });

  it('accepts an RFC 3339 since (upstream silently used 24h for it)', () => {
    expect(toSessionContextRequest('sess_1', { since: '2026-02-01T00:00:00Z' }, NOW_US).query.filter.sinceUs).toBe(Date.UTC(2026, 1, 1) * 1000);
  });

  it.each([
    ['garbage', "invalid since: 'garbage' is neither a relative window nor an RFC 3339 timestamp"],
    ['1w', "invalid since: '1w' is neither a relative window nor an RFC 3339 timestamp"],
    ['999999h', 'invalid since: 999999h is out of range (h: 1-8760, d: 1-365, m (minutes): 1-8760)'],
  ])('validates since %p as the lists do (upstream silently used 24h)', (since, message) => {
    expect(rejection(() => toSessionContextRequest('sess_1', { since }, NOW_US))).toEqual({ status: 400, message });
  });

  it('treats max_tokens 0 and null as no budget (the Go SDK may send its zero value)', () => {
    expect(toSessionContextRequest('sess_1', { max_tokens: 0 }, NOW_US).maxTokens).toBeUndefined();
    expect(toSessionContextRequest('sess_1', { max_tokens: null }, NOW_US).maxTokens).toBeUndefined();
  });

  it('clamps a huge budget', () => {
    expect(toSessionContextRequest('sess_1', { max_tokens: 10_000_000 }, NOW_US).maxTokens).toBe(MAX_CONTEXT_TOKENS);
    expect(toSessionContextRequest('sess_1', { max_tokens: 1 }, NOW_US).maxTokens).toBe(1);
  });

  it('folds field names and drops empty include_types entries', () => {
    const request = toSessionContextRequest('sess_1', { Max_Tokens: 10, INCLUDE_TYPES: ['', 'entity'] }, NOW_US);
    expect(request.maxTokens).toBe(10);
    expect(request.query.filter.memoryTypes).toEqual(['entity']);
  });

  it.each([
    [{ max_tokens: -1 }, 'invalid request body: max_tokens must be a positive integer'],
    [{ max_tokens: 10.5 }, 'invalid request body: max_tokens must be a positive integer'],
    [{ max_tokens: '100' }, 'invalid request body: max_tokens must be a positive integer'],
    [{ include_types: 'episodic' }, 'invalid request body: include_types must be an array of strings'],
    [{ since: 2 }, 'invalid request body: since must be a string'],
    [{ include_types: ['episodic', 'bad type'] }, `invalid include_type 'bad type': ${TYPE_PATTERN_MESSAGE}`],
  ])('rejects %j with 400', (body, message) => {
    expect(rejection(() => toSessionContextRequest('sess_1', body, NOW_US))).toEqual({ status: 400, message });
  });

  it('rejects a path id failing the ID pattern', () => {
    expect(rejection(() => toSessionContextRequest('sess/1', null, NOW_US))).toEqual({ status: 400, message: `invalid session_id: ${ID_PATTERN_MESSAGE}` });
  });
});

describe('toAgentContextRequest (POST /api/v1/agents/:id/context)', () => {
  it('scopes the same request to the agent', () => {
    expect(toAgentContextRequest('agent_1', { max_tokens: 300 }, NOW_US)).toEqual({
      subject: { kind: 'agent', id: 'agent_1' },
      query: { filter: { agentId: 'agent_1', sinceUs: NOW_US - 24 * HOUR_US }, order: 'desc', limit: 100 },
      maxTokens: 300,
    });
  });

  it('rejects a path id failing the ID pattern', () => {
    expect(rejection(() => toAgentContextRequest('9lives', {}, NOW_US))).toEqual({ status: 400, message: `invalid agent_id: ${ID_PATTERN_MESSAGE}` });
  });
});
