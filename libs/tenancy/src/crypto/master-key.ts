import { createHash, randomBytes } from 'node:crypto';

export const MASTER_KEY_HOWTO =
  'generate one with `memtrace keygen master` (or `openssl rand -base64 32`) and set MEMTRACE_MASTER_KEY';

export class MasterKeyError extends Error {}

export interface MasterKey {
  bytes: Buffer;
  /** Public identifier of the key (never the key): tells which key sealed a binding. */
  fingerprint: string;
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/** `MEMTRACE_MASTER_KEY` is standard base64 of exactly 32 bytes, as upstream defined it. */
export function parseMasterKey(value: string | undefined, variable = 'MEMTRACE_MASTER_KEY'): MasterKey {
  if (!value) throw new MasterKeyError(`${variable} is not set: ${MASTER_KEY_HOWTO}`);
  const trimmed = value.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.length !== 32 || bytes.toString('base64') !== trimmed) {
    throw new MasterKeyError(`${variable} must be standard base64 of exactly 32 bytes: ${MASTER_KEY_HOWTO}`);
  }
  return { bytes, fingerprint: fingerprintOf(bytes) };
}

function fingerprintOf(bytes: Buffer): string {
  return createHash('sha256').update('memtrace-master-key-fingerprint\0').update(bytes).digest('hex').slice(0, 32);
}

/** The keys a process holds: the first seals; the others may still open during a rotation. */
export class MasterKeyRing {
  constructor(readonly keys: readonly MasterKey[]) {
    if (keys.length === 0) throw new MasterKeyError(`no master key: ${MASTER_KEY_HOWTO}`);
  }

  static fromValues(current: string | undefined, previous?: string): MasterKeyRing {
    const keys = [parseMasterKey(current)];
    if (previous) keys.push(parseMasterKey(previous, 'MEMTRACE_MASTER_KEY_PREVIOUS'));
    return new MasterKeyRing(keys);
  }

  get current(): MasterKey {
    return this.keys[0];
  }

  /** The same ring, also able to open what `key` sealed (a rotation's target). */
  including(key: MasterKey): MasterKeyRing {
    return this.byFingerprint(key.fingerprint) ? this : new MasterKeyRing([...this.keys, key]);
  }

  byFingerprint(fingerprint: string): MasterKey | undefined {
    return this.keys.find((k) => k.fingerprint === fingerprint);
  }
}
