import { AppError } from '@memtrace/contracts';
import { ListMemoriesQueryDto } from './list-memories.query.dto';
import { validateReadQuery } from './read-request-validation';
import { parseAtoi } from './read-rules.decorator';

/** The AppError `run` throws (anything else fails the test). */
function errorOf(run: () => unknown): AppError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(AppError);
  return thrown as AppError;
}

describe('QueryValue (one value per query parameter)', () => {
  it('takes the single value; absent and empty are not given', () => {
    expect({ ...validateReadQuery(ListMemoriesQueryDto, { agent_id: 'x', since: '' }) }).toEqual({ agent_id: 'x', since: '' });
    expect({ ...validateReadQuery(ListMemoriesQueryDto, {}) }).toEqual({});
    expect({ ...validateReadQuery(ListMemoriesQueryDto, undefined) }).toEqual({});
  });

  it('rejects a repeated parameter instead of dropping values, with a hint for tags', () => {
    const error = errorOf(() => validateReadQuery(ListMemoriesQueryDto, { tags: ['a', 'b'] }));
    expect(error).toEqual(new AppError('bad_request', 'invalid tags: given 2 times, expected once'));
    expect(error.hint).toBe('pass several tags comma-separated: tags=a,b');
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, { limit: ['1', '2', '3'] })).hint).toBeUndefined();
  });

  it('rejects nested values', () => {
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, { agent_id: { x: '1' } })).message).toBe('invalid agent_id: expected a single value');
  });

  it('reads names exactly (a query string is not folded as a JSON body is)', () => {
    expect({ ...validateReadQuery(ListMemoriesQueryDto, { AGENT_ID: '!!', Limit: 'x' }) }).toEqual({});
  });
});

describe('parseAtoi (Go strconv.Atoi)', () => {
  it.each([
    ['5', 5],
    ['+5', 5],
    ['-5', -5],
    ['007', 7],
    ['0', 0],
  ])('%s → %d', (text, value) => {
    expect(parseAtoi(text)).toBe(value);
  });

  it.each(['', ' 5', '5 ', '5.0', '1e3', '0x10', 'abc', '+', '99999999999999999999'])('%p is not an integer', (text) => {
    expect(parseAtoi(text)).toBeUndefined();
  });
});

describe('QueryInteger', () => {
  it('reads Atoi syntax; an empty parameter is not given', () => {
    expect(() => validateReadQuery(ListMemoriesQueryDto, { offset: '+7', limit: '' })).not.toThrow();
  });

  it.each(['abc', '5.5', ' 5', '1e3'])('rejects %p naming the parameter (upstream used its default)', (text) => {
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, { offset: text }))).toEqual(new AppError('bad_request', 'invalid offset: must be an integer'));
  });
});

describe('the order of checks', () => {
  it('reports the first failing parameter in the list’s order, whatever the order of the query string', () => {
    const params = { offset: '-1', order: 'x', since: 'soon', agent_id: '1a' };
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, params)).message).toMatch(/^invalid agent_id: /);
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, { ...params, agent_id: 'a' })).message).toMatch(/^invalid since: /);
    expect(errorOf(() => validateReadQuery(ListMemoriesQueryDto, { offset: '-1', order: 'x' })).message).toBe('invalid order: must be asc or desc');
  });
});
