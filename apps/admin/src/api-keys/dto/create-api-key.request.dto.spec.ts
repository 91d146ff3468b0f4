import { AppError } from '@memtrace/contracts';
import { toKeyInput } from '../../admin.mapper';
import { validateInput } from '../../validation/input-validation.util';
import { CreateApiKeyRequestDto } from './create-api-key.request.dto';

const key = (body: unknown) => toKeyInput(validateInput(CreateApiKeyRequestDto, body, 'request body'));

function refusal(body: unknown): string | undefined {
  try {
    key(body);
  } catch (error) {
    return error instanceof AppError ? error.message : String(error);
  }
  return undefined;
}

describe('CreateApiKeyRequestDto', () => {
  it('defaults to read and write; takes CSV or a list', () => {
    expect(key({ name: ' ci ' })).toEqual({ name: 'ci', scopes: ['read', 'write'], expiresAt: null });
    expect(key({ name: 'k', scopes: ' admin , read' }).scopes).toEqual(['read', 'admin']);
    expect(key({ name: 'k', scopes: ['write'], expires_at: '2030-01-01T00:00:00+02:00' })).toEqual({ name: 'k', scopes: ['write'], expiresAt: new Date('2029-12-31T22:00:00Z') });
  });

  it('refuses unknown, empty and mistyped scopes', () => {
    expect(refusal({ name: 'k', scopes: 'read,fly' })).toBe('invalid request body: scopes: unknown scope(s): fly; valid scopes are read, write, admin');
    expect(refusal({ name: 'k', scopes: [] })).toBe('invalid request body: scopes: at least one scope is required (read, write, admin)');
    expect(refusal({ name: 'k', scopes: [1] })).toBe('invalid request body: scopes: Invalid input');
    expect(refusal({ name: 'k', scopes: null })).toBe('invalid request body: scopes: Invalid input');
  });

  it('wants an RFC 3339 time with seconds and an offset', () => {
    for (const time of ['tomorrow', '2030-01-01T00:00Z', '2030-01-01T00:00:00', '2030-01-01 00:00:00Z', '2030-02-30T00:00:00Z']) {
      expect(refusal({ name: 'k', expires_at: time })).toBe('invalid request body: expires_at: Invalid ISO datetime');
    }
    expect(refusal({ name: 'k', expires_at: 1_900_000_000_000 })).toBe('invalid request body: expires_at: Invalid input: expected string, received number');
  });

  it('names every problem, fields in order, then unknown fields', () => {
    expect(refusal({ role: 'root', expires_at: 'x', scopes: 'fly', name: '' })).toBe(
      'invalid request body: name: name is required; scopes: unknown scope(s): fly; valid scopes are read, write, admin; expires_at: Invalid ISO datetime; Unrecognized key: "role"',
    );
  });
});
