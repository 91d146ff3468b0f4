import { randomBytes } from 'node:crypto';
import { bindingAad, open, seal, SecretOpenError } from './secret-box';

describe('secret box (AES-256-GCM with associated data)', () => {
  const key = randomBytes(32);
  const aad = bindingAad('org_a', 'bind_1');

  it('round-trips, with a fresh nonce every time', () => {
    const a = seal(key, 'arc-token-é✓', aad);
    const b = seal(key, 'arc-token-é✓', aad);
    expect(open(key, a, aad)).toBe('arc-token-é✓');
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.cipher.equals(b.cipher)).toBe(false);
  });

  it('detects any altered byte of ciphertext, tag or nonce', () => {
    const sealed = seal(key, 'secret', aad);
    for (let i = 0; i < sealed.cipher.length; i++) {
      const cipher = Buffer.from(sealed.cipher);
      cipher[i] ^= 0x01;
      expect(() => open(key, { cipher, nonce: sealed.nonce }, aad)).toThrow(SecretOpenError);
    }
    const nonce = Buffer.from(sealed.nonce);
    nonce[0] ^= 0x80;
    expect(() => open(key, { cipher: sealed.cipher, nonce }, aad)).toThrow(SecretOpenError);
  });

  it('refuses a ciphertext moved to another org or another binding (AAD swap)', () => {
    const sealed = seal(key, 'secret', aad);
    expect(() => open(key, sealed, bindingAad('org_b', 'bind_1'))).toThrow(SecretOpenError);
    expect(() => open(key, sealed, bindingAad('org_a', 'bind_2'))).toThrow(SecretOpenError);
  });

  it('refuses the wrong key and malformed input', () => {
    const sealed = seal(key, 'secret', aad);
    expect(() => open(randomBytes(32), sealed, aad)).toThrow(SecretOpenError);
    expect(() => open(key, { cipher: Buffer.alloc(3), nonce: sealed.nonce }, aad)).toThrow(SecretOpenError);
    expect(() => open(key, { cipher: sealed.cipher, nonce: Buffer.alloc(8) }, aad)).toThrow(SecretOpenError);
  });
});
