import { AppError } from '@memtrace/contracts';
import { validateInput } from '../../validation/input-validation.util';
import { ListAuditQueryDto } from './list-audit.query.dto';

function outcome(query: object): object | string {
  try {
    return { ...validateInput(ListAuditQueryDto, query, 'query') };
  } catch (error) {
    return error instanceof AppError ? error.message : String(error);
  }
}

describe('ListAuditQueryDto', () => {
  it('reads limit as a number, 100 when left out; other parameters are ignored', () => {
    expect(outcome({ other: 'x' })).toEqual({ limit: 100 });
    expect(outcome({ limit: ' 7 ', org_id: 'org_a' })).toEqual({ limit: 7, org_id: 'org_a' });
  });

  it('names every problem', () => {
    expect(outcome({ org_id: 'bad id', limit: 'lots' })).toBe(
      'invalid query: org_id: must start with a letter; letters, digits, _ and - (max 128); limit: Invalid input: expected number, received NaN',
    );
    expect(outcome({ limit: '0' })).toBe('invalid query: limit: Too small: expected number to be >=1');
    expect(outcome({ limit: '1.5' })).toBe('invalid query: limit: Invalid input: expected int, received number');
    expect(outcome({ limit: '1e20' })).toBe('invalid query: limit: Too big: expected int to be <=9007199254740991; limit: Too big: expected number to be <=1000');
  });
});
