import { AppError } from '@memtrace/contracts';
import { toLimitChanges, toRetentionChange } from '../../admin.mapper';
import { validateInput } from '../../validation/input-validation.util';
import { CreateOrganizationRequestDto } from './create-organization.request.dto';
import { DeleteOrganizationQueryDto } from './delete-organization.query.dto';
import { orgIdFrom } from './org-id.dto';
import { SetOrgLimitsRequestDto } from './set-org-limits.request.dto';
import { SetOrgRetentionRequestDto } from './set-org-retention.request.dto';

/** The 400 a call throws, as `code: message`. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('accepted');
}

describe('CreateOrganizationRequestDto', () => {
  const create = (body: unknown, what = 'request body') => validateInput(CreateOrganizationRequestDto, body, what);

  it('trims the name', () => {
    expect(create({ name: '  Acme  ' }).name).toBe('Acme');
  });

  it('names every problem, in order, after the prefix', () => {
    expect(refusal(() => create(undefined))).toBe('bad_request: invalid request body: name: Invalid input: expected string, received undefined');
    expect(refusal(() => create({ name: '   ' }))).toBe('bad_request: invalid request body: name: name is required');
    expect(refusal(() => create({ name: 'x'.repeat(201) }))).toBe('bad_request: invalid request body: name: Too big: expected string to have <=200 characters');
    expect(refusal(() => create({ zed: 1, name: 5, owner: 'me' }))).toBe(
      'bad_request: invalid request body: name: Invalid input: expected string, received number; Unrecognized keys: "zed", "owner"',
    );
    expect(refusal(() => create({ name: 'x', owner: 'me' }, 'name'))).toBe('bad_request: invalid name: Unrecognized key: "owner"');
  });

  it('measures a name in code points, and measures the length of whatever has one', () => {
    expect(create({ name: '\u{1F600}'.repeat(200) }).name).toHaveLength(400);
    expect(refusal(() => create({ name: [] }))).toBe('bad_request: invalid request body: name: Invalid input: expected string, received array; name: name is required');
  });

  it('refuses a body that is not an object', () => {
    expect(refusal(() => create([{ name: 'x' }]))).toBe('bad_request: invalid request body: Invalid input: expected object, received array');
    expect(refusal(() => create('name'))).toBe('bad_request: invalid request body: Invalid input: expected object, received string');
  });
});

describe('org ids', () => {
  it('passes a valid id and names a bad one without a field', () => {
    expect(orgIdFrom('org_a-1')).toBe('org_a-1');
    for (const bad of ['bad id', '-org', `o${'x'.repeat(128)}`, '']) {
      expect(refusal(() => orgIdFrom(bad))).toBe('bad_request: invalid org id: must start with a letter; letters, digits, _ and - (max 128)');
    }
    expect(refusal(() => orgIdFrom(7))).toBe('bad_request: invalid org id: Invalid input: expected string, received number');
  });
});

describe('DeleteOrganizationQueryDto', () => {
  it('takes "true" or "false" and nothing else', () => {
    expect(validateInput(DeleteOrganizationQueryDto, {}, 'query').keep_memories).toBeUndefined();
    expect(validateInput(DeleteOrganizationQueryDto, { keep_memories: 'true' }, 'query').keep_memories).toBe('true');
    expect(refusal(() => validateInput(DeleteOrganizationQueryDto, { keep_memories: 'yes', force: '1' }, 'query'))).toBe(
      'bad_request: invalid query: keep_memories: Invalid option: expected one of "true"|"false"; Unrecognized key: "force"',
    );
  });
});

describe('SetOrgLimitsRequestDto', () => {
  const limits = (body: unknown) => toLimitChanges(validateInput(SetOrgLimitsRequestDto, body, 'limits'));

  it('passes the limits given; null goes back to the default', () => {
    expect(limits({ requests_per_second: 5, key_memories_per_second: null })).toEqual({
      requestsPerSecond: 5,
      memoriesPerSecond: undefined,
      keyRequestsPerSecond: undefined,
      keyMemoriesPerSecond: null,
    });
  });

  it('wants one limit at least, told after unknown fields', () => {
    expect(refusal(() => limits({ burst: 2 }))).toBe(
      'bad_request: invalid limits: Unrecognized key: "burst"; give at least one of requests_per_second, memories_per_second, key_requests_per_second, key_memories_per_second',
    );
  });

  it('names a fraction alone, and an integer past 2^53 with its range', () => {
    expect(refusal(() => limits({ requests_per_second: -1.5, memories_per_second: 0, key_requests_per_second: 'x' }))).toBe(
      'bad_request: invalid limits: requests_per_second: must be a whole number; memories_per_second: must be at least 1; key_requests_per_second: Invalid input: expected number, received string',
    );
    expect(refusal(() => limits({ requests_per_second: 1e20 }))).toBe('bad_request: invalid limits: requests_per_second: must be a whole number; requests_per_second: Too big: expected number to be <=10000000');
    expect(refusal(() => limits({ requests_per_second: Number.POSITIVE_INFINITY }))).toBe('bad_request: invalid limits: requests_per_second: Invalid input: expected number, received Infinity');
  });
});

describe('SetOrgRetentionRequestDto', () => {
  const retention = (body: unknown) => toRetentionChange(validateInput(SetOrgRetentionRequestDto, body, 'retention'));

  it('takes days (null drops the rule) for every type or one', () => {
    expect(retention({ days: 30, memory_type: 'episodic' })).toEqual({ days: 30, memoryType: 'episodic' });
    expect(retention({ days: null })).toEqual({ days: null, memoryType: undefined });
  });

  it('names every problem', () => {
    expect(refusal(() => retention({ memory_type: 'notes' }))).toBe(
      'bad_request: invalid retention: days: Invalid input: expected number, received undefined; memory_type: Invalid option: expected one of "episodic"|"session"|"decision"|"entity"',
    );
    expect(refusal(() => retention({ days: 40_000 }))).toBe('bad_request: invalid retention: days: must be at most 36500 (100 years)');
    expect(refusal(() => retention({ days: 0.5 }))).toBe('bad_request: invalid retention: days: must be a whole number of days');
  });
});
