import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const TAG_BYTES = 16;

export interface Sealed {
  /** Ciphertext followed by the 16-byte GCM tag. */
  cipher: Buffer;
  nonce: Buffer;
}

export class SecretOpenError extends Error {}

/**
 * AES-256-GCM with associated data. Binding the ciphertext to its owner through the AAD means a
 * ciphertext copied onto another org's row, or altered in place, fails to open instead of
 * decrypting into someone else's credentials.
 */
export function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { cipher: Buffer.concat([body, cipher.getAuthTag()]), nonce };
}

export function open(key: Buffer, sealed: Sealed, aad: string): string {
  if (sealed.cipher.length < TAG_BYTES || sealed.nonce.length !== 12) throw new SecretOpenError('malformed ciphertext');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.cipher.subarray(sealed.cipher.length - TAG_BYTES));
    const body = sealed.cipher.subarray(0, sealed.cipher.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretOpenError('ciphertext failed authentication (altered, moved to another binding, or wrong key)');
  }
}

/** Associated data of a store-binding token: the org and the binding it belongs to. */
export function bindingAad(orgId: string, bindingId: string): string {
  return `memtrace:store-binding-token:v1\0${orgId}\0${bindingId}`;
}
