import { randomBytes } from 'node:crypto';
import { generateMasterKey, MasterKeyError, MasterKeyRing, parseMasterKey } from './master-key';

describe('master key', () => {
  it('generates standard base64 of 32 bytes, which parses', () => {
    const value = generateMasterKey();
    expect(value).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(parseMasterKey(value).bytes).toHaveLength(32);
  });

  it('stops with how to make one when missing', () => {
    expect(() => parseMasterKey(undefined)).toThrow(MasterKeyError);
    expect(() => parseMasterKey('')).toThrow(/MEMTRACE_MASTER_KEY is not set: generate one with `memtrace keygen master`/);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['not base64', 'not-a-key-at-all-!!!!!!!!!!!!!!!!!!!!!!!!!!'],
    ['base64url alphabet', 'A-_' + 'A'.repeat(40) + '='],
  ])('rejects a malformed key (%s) with how to make one', (_label, value) => {
    expect(() => parseMasterKey(value)).toThrow(/must be standard base64 of exactly 32 bytes: generate one with/);
  });

  it('fingerprints identify a key without revealing it', () => {
    const value = generateMasterKey();
    const a = parseMasterKey(value);
    expect(parseMasterKey(value).fingerprint).toBe(a.fingerprint);
    expect(parseMasterKey(generateMasterKey()).fingerprint).not.toBe(a.fingerprint);
    expect(a.fingerprint).not.toContain(a.bytes.toString('hex').slice(0, 8));
  });

  it('a ring finds current and previous keys by fingerprint', () => {
    const current = generateMasterKey();
    const previous = generateMasterKey();
    const ring = MasterKeyRing.fromValues(current, previous);
    expect(ring.current.fingerprint).toBe(parseMasterKey(current).fingerprint);
    expect(ring.byFingerprint(parseMasterKey(previous).fingerprint)).toBeDefined();
    const other = parseMasterKey(generateMasterKey());
    expect(ring.byFingerprint(other.fingerprint)).toBeUndefined();
    expect(ring.including(other).byFingerprint(other.fingerprint)).toBe(other);
  });
});
