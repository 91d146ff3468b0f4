import { hasScope, InvalidScopesError, parseScopes } from './scopes';

describe('scopes', () => {
  it('parses upstream CSV and lists, in canonical order, without duplicates', () => {
    expect(parseScopes('write, read')).toEqual(['read', 'write']);
    expect(parseScopes(['admin', 'read', 'read'])).toEqual(['read', 'admin']);
  });

  it('rejects unknown and empty scopes, naming them', () => {
    expect(() => parseScopes('read,fly')).toThrow(new InvalidScopesError('unknown scope(s): fly; valid scopes are read, write, admin'));
    expect(() => parseScopes(' , ')).toThrow(InvalidScopesError);
    expect(() => parseScopes([])).toThrow(InvalidScopesError);
  });

  it('grants exactly what was given, with admin implying every scope', () => {
    expect(hasScope(['read'], 'read')).toBe(true);
    expect(hasScope(['read'], 'write')).toBe(false);
    expect(hasScope(['write'], 'read')).toBe(false);
    expect(hasScope(['read', 'write'], 'admin')).toBe(false);
    expect(hasScope(['admin'], 'write')).toBe(true);
  });
});
