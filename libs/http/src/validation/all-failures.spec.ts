import { validateSync } from 'class-validator';
import { JsonString, MaxChars, Required } from './field-rules.decorator';
import { allFailures } from './request-validation';

class Sample {
  @JsonString()
  @Required(2, 'first is required')
  first?: unknown;

  @Required(1, 'second is required', 'a hint')
  @MaxChars(3, 2, 'second is too long')
  second?: unknown;
}

const failures = (value: object) => allFailures(validateSync(Object.assign(new Sample(), value)));

describe('allFailures', () => {
  it('lists every failed rule by step, with its field and context', () => {
    expect(failures({})).toEqual([
      { field: 'second', message: 'second is required', context: { step: 1, hint: 'a hint' } },
      { field: 'first', message: 'first is required', context: { step: 2 } },
    ]);
  });

  it('breaks ties by field order', () => {
    expect(failures({ first: 1, second: 'abc' }).map((f) => f.message)).toEqual(['invalid request body: first must be a string', 'second is too long']);
  });

  it('is empty when every rule passes', () => {
    expect(failures({ first: 'a', second: 'b' })).toEqual([]);
  });
});
