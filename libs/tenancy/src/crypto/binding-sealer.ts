import { Injectable } from '@nestjs/common';
import { AppConfig } from '@memtrace/config';
import { Bytes, MasterKeyVersionRepository, StoreBindingRow, Tx } from '@memtrace/catalog';
import { MasterKey, MasterKeyError, MasterKeyRing } from './master-key';
import { bindingAad, open, seal } from './secret-box';

export interface TokenSeal {
  tokenCipher: Bytes;
  tokenNonce: Bytes;
  keyVersion: number;
}

/** A binding whose token cannot be opened by this process; the message says why and what to do. */
export class BindingOpenError extends Error {}

/**
 * Seals and opens store-binding tokens under the master key, recording which key version sealed
 * each one. The ring is read lazily: a process without MEMTRACE_MASTER_KEY still runs, and only
 * the tenants whose binding carries a sealed token are affected.
 */
@Injectable()
export class BindingSealer {
  private readonly fingerprints = new Map<number, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly versions: MasterKeyVersionRepository,
  ) {}

  /** Throws `MasterKeyError` (with how to make a key) when the key is missing or malformed. */
  ring(): MasterKeyRing {
    return MasterKeyRing.fromValues(this.config.masterKey.current, this.config.masterKey.previous);
  }

  async seal(orgId: string, bindingId: string, token: string, key: MasterKey = this.ring().current, tx?: Tx): Promise<TokenSeal> {
    const keyVersion = await this.versions.versionFor(key.fingerprint, tx);
    const sealed = seal(key.bytes, token, bindingAad(orgId, bindingId));
    return { tokenCipher: toBytes(sealed.cipher), tokenNonce: toBytes(sealed.nonce), keyVersion };
  }

  /** The plaintext token, or undefined when the binding has none. */
  async open(row: StoreBindingRow, ring?: MasterKeyRing): Promise<string | undefined> {
    if (!row.tokenCipher || !row.tokenNonce || row.keyVersion === null) return undefined;
    let keys: MasterKeyRing;
    try {
      keys = ring ?? this.ring();
    } catch (error) {
      throw new BindingOpenError((error as MasterKeyError).message);
    }
    const fingerprint = await this.fingerprintOf(row.keyVersion);
    const key = fingerprint ? keys.byFingerprint(fingerprint) : undefined;
    if (!key) {
      throw new BindingOpenError(
        `the store token of ${row.orgId} is sealed with master key version ${row.keyVersion}, which this process does not hold; ` +
          'set MEMTRACE_MASTER_KEY (or MEMTRACE_MASTER_KEY_PREVIOUS while rotating) to that key',
      );
    }
    try {
      return open(key.bytes, { cipher: Buffer.from(row.tokenCipher), nonce: Buffer.from(row.tokenNonce) }, bindingAad(row.orgId, row.id));
    } catch (error) {
      throw new BindingOpenError(`the store token of ${row.orgId} cannot be opened: ${(error as Error).message}; re-run \`memtrace org add-arc ${row.orgId}\``);
    }
  }

  private async fingerprintOf(version: number): Promise<string | null> {
    const cached = this.fingerprints.get(version);
    if (cached) return cached;
    const fingerprint = await this.versions.fingerprintOf(version);
    if (fingerprint) this.fingerprints.set(version, fingerprint);
    return fingerprint;
  }
}

function toBytes(buffer: Buffer): Bytes {
  return new Uint8Array(buffer) as Bytes;
}
