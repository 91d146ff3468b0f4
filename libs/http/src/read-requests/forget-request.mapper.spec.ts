import { ID_PATTERN_MESSAGE, TYPE_PATTERN_MESSAGE } from '@memtrace/contracts';
import { HOUR_US, NOW_US, rejection } from '@memtrace/testing';
import { FORGET_FILTER_FIELDS, toForgetRequest } from './forget-request.mapper';

describe('toForgetRequest (POST /api/v1/memories/forget)', () => {
  it('maps the filters; memory_type and event_type are one value or a list', () => {
    expect(toForgetRequest({ agent_id: 'agent_1', memory_type: 'episodic', event_type: ['error', ''], tags: ['prod'], since: '2h', until: 'now', dry_run: true }, NOW_US)).toEqual({
      filter: { agentId: 'agent_1', memoryTypes: ['episodic'], eventTypes: ['error'], tags: ['prod'], sinceUs: NOW_US - 2 * HOUR_US },
      dryRun: true,
    });
    expect(toForgetRequest({ session_id: 'sess_1' }, NOW_US)).toEqual({ filter: { sessionId: 'sess_1' }, dryRun: false });
  });

  it.each([undefined, null, {}, { agent_id: '', tags: [''], until: 'now' }])('refuses %p: no filter must never mean everything', (body) => {
    expect(rejection(() => toForgetRequest(body, NOW_US))).toEqual({ status: 400, message: `forget needs at least one filter: ${FORGET_FILTER_FIELDS}` });
  });

  it('names every JSON type problem and unknown field at once, then nothing else', () => {
    expect(rejection(() => toForgetRequest({ zz: 1, agent_id: 5, tags: ['a', 1, null], memory_type: 3, yy: 2, since: 'soon' }, NOW_US)).message).toBe(
      'invalid request body: agent_id: Invalid input: expected string, received number; memory_type: Invalid input; ' +
        'tags.1: Invalid input: expected string, received number; tags.2: Invalid input: expected string, received null; Unrecognized keys: "zz", "yy"',
    );
    expect(rejection(() => toForgetRequest({ agentid: 'a' }, NOW_US)).message).toBe('invalid request body: Unrecognized key: "agentid"');
    expect(rejection(() => toForgetRequest({ agent_id: null, dry_run: 'yes' }, NOW_US)).message).toBe(
      'invalid request body: agent_id: Invalid input: expected string, received null; dry_run: Invalid input: expected boolean, received string',
    );
  });

  it.each([
    [[], 'array'],
    ['x', 'string'],
    [5, 'number'],
  ])('refuses the non-object %p', (body, kind) => {
    expect(rejection(() => toForgetRequest(body, NOW_US)).message).toBe(`invalid request body: Invalid input: expected object, received ${kind}`);
  });

  it('then checks the values one at a time, in field order', () => {
    expect(rejection(() => toForgetRequest({ memory_type: 'bad-type', agent_id: '1a' }, NOW_US)).message).toBe(`invalid agent_id: ${ID_PATTERN_MESSAGE}`);
    expect(rejection(() => toForgetRequest({ memory_type: ['ok', 'bad-type'], since: 'soon' }, NOW_US)).message).toBe(`invalid memory_type 'bad-type': ${TYPE_PATTERN_MESSAGE}`);
    expect(rejection(() => toForgetRequest({ event_type: Array.from({ length: 101 }, () => 'x') }, NOW_US)).message).toBe('invalid event_type: 101 values, at most 100 allowed');
    expect(rejection(() => toForgetRequest({ since: '1h', until: '2h' }, NOW_US)).message).toBe('invalid window: since must be before until');
  });
});
