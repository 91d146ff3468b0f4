import { AppError } from '@memtrace/contracts';
import { JsonString, MaxChars, Required } from './field-rules.decorator';
import { validateRequest } from './request-validation';

class Sample {
  @JsonString()
  @Required(2, 'first is required')
  first?: string;

  @JsonString()
  @Required(1, 'second is required', 'named before first: a lower step')
  @MaxChars(3, 'maxSecond', (value: string, max) => `second has ${value.length} characters, over ${max}`)
  second?: string;
}

function failure(value: unknown, limits: object = { maxSecond: 2 }): { message: string; hint?: string } {
  try {
    validateRequest(Sample, value, { limits });
  } catch (error) {
    if (error instanceof AppError) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a 400');
}

describe('validateRequest', () => {
  it('reports the failing rule with the lowest step, with its hint', () => {
    expect(failure({})).toEqual({ message: 'second is required', hint: 'named before first: a lower step' });
    expect(failure({ second: 'ab' })).toEqual({ message: 'first is required', hint: undefined });
  });

  it('breaks ties by field order: JSON types are all step 0', () => {
    expect(failure({ first: 1, second: 2 }).message).toBe('invalid request body: first must be a string');
    expect(failure({ second: 2 }).message).toBe('invalid request body: second must be a string');
  });

  it('resolves named limits from the limits it is given', () => {
    expect(failure({ first: 'a', second: 'abc' }).message).toBe('second has 3 characters, over 2');
    expect({ ...validateRequest(Sample, { first: 'a', second: 'abc' }, { limits: { maxSecond: 3 } }) }).toEqual({ first: 'a', second: 'abc' });
    expect(() => validateRequest(Sample, { first: 'a', second: 'abc' })).toThrow('request validated without the limit maxSecond');
  });

  it('treats null as not given', () => {
    expect(failure({ first: null, second: 'ab' }).message).toBe('first is required');
  });
});
