import { AppError } from '@memtrace/contracts';
import { parseAtoi, queryInteger, queryValue } from './query-params.util';

describe('queryValue', () => {
  it('returns the single value, or empty when absent', () => {
    expect(queryValue({ a: 'x' }, 'a')).toBe('x');
    expect(queryValue({ a: '' }, 'a')).toBe('');
    expect(queryValue({}, 'a')).toBe('');
    expect(queryValue(undefined, 'a')).toBe('');
  });

  it('rejects a repeated parameter instead of dropping values', () => {
    expect(() => queryValue({ tags: ['a', 'b'] }, 'tags')).toThrow(new AppError('bad_request', 'invalid tags: given 2 times, expected once'));
    try {
      queryValue({ tags: ['a', 'b'] }, 'tags');
    } catch (error) {
      expect((error as AppError).hint).toBe('pass several tags comma-separated: tags=a,b');
    }
  });

  it('rejects nested values', () => {
    expect(() => queryValue({ agent_id: { x: '1' } }, 'agent_id')).toThrow('invalid agent_id: expected a single value');
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

describe('queryInteger', () => {
  it('reads Atoi syntax; an absent or empty parameter is not given', () => {
    expect(queryInteger({ limit: '+7' }, 'limit')).toBe(7);
    expect(queryInteger({ limit: '' }, 'limit')).toBeUndefined();
    expect(queryInteger({}, 'limit')).toBeUndefined();
  });

  it.each(['abc', '5.5', ' 5', '1e3'])('rejects %p naming the parameter (upstream used its default)', (text) => {
    expect(() => queryInteger({ offset: text }, 'offset')).toThrow(new AppError('bad_request', 'invalid offset: must be an integer'));
  });
});
