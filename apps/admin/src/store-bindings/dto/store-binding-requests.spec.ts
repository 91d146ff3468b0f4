import { AppError } from '@memtrace/contracts';
import { validateInput } from '../../validation/input-validation.util';
import { RotateMasterKeyRequestDto } from './rotate-master-key.request.dto';
import { SetStoreBindingRequestDto } from './set-store-binding.request.dto';

function outcome<T extends object>(dto: new () => T, body: unknown): object | string {
  try {
    return { ...validateInput(dto, body, 'request body') };
  } catch (error) {
    return error instanceof AppError ? error.message : String(error);
  }
}
const binding = (body: unknown) => outcome(SetStoreBindingRequestDto, body);

describe('SetStoreBindingRequestDto', () => {
  it('defaults to an arc binding of the events measurement', () => {
    expect(binding({ url: 'http://arc:8000', database: 'db' })).toEqual({ kind: 'arc', url: 'http://arc:8000', database: 'db', measurement: 'events' });
    expect(binding({ url: 'https://a', database: 'my-db', measurement: 'my_events', token: 't' })).toEqual({ kind: 'arc', url: 'https://a', database: 'my-db', measurement: 'my_events', token: 't' });
  });

  it('never binds an embedded store over the API', () => {
    for (const kind of ['duckdb', '', null]) {
      expect(binding({ kind, url: 'ftp://a', database: 'db' })).toBe('invalid request body: kind: kind must be "arc" (embedded stores are configured by the standalone server)');
    }
  });

  it('takes http(s) URLs without credentials only', () => {
    for (const url of ['ftp://arc.example', 'arc.example:8000', 'http://', 'http://a b', ' http://a']) {
      expect(binding({ url, database: 'db' })).toBe('invalid request body: url: an arc url must be http:// or https://');
    }
    for (const url of ['http://u:p@a', 'https://user@a']) {
      expect(binding({ url, database: 'db' })).toBe('invalid request body: url: an arc url must not carry credentials; pass the token as `token`, which is stored encrypted');
    }
  });

  it('checks the URL after every field and unknown fields, and only once every field has its type', () => {
    expect(binding({ url: '', database: '1db', measurement: '9', password: 'x' })).toBe(
      'invalid request body: url: url is required; database: database must start with a letter; letters, digits, _ and - (max 64); ' +
        'measurement: measurement must start with a letter; letters, digits and _ (max 128); Unrecognized key: "password"; url: an arc url must be http:// or https://',
    );
    expect(binding({ url: 'ftp://a', database: 5 })).toBe('invalid request body: database: Invalid input: expected string, received number');
    expect(binding({ url: 'ftp://a', database: 'db', token: 't'.repeat(4097) })).toBe(
      'invalid request body: token: Too big: expected string to have <=4096 characters; url: an arc url must be http:// or https://',
    );
  });
});

describe('RotateMasterKeyRequestDto', () => {
  it('takes an optional new key and nothing else', () => {
    expect(outcome(RotateMasterKeyRequestDto, undefined)).toEqual({});
    expect(outcome(RotateMasterKeyRequestDto, { new_key: 32 })).toBe('invalid request body: new_key: Invalid input: expected string, received number');
    expect(outcome(RotateMasterKeyRequestDto, { force: true })).toBe('invalid request body: Unrecognized key: "force"');
  });
});
