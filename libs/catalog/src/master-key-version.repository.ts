import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

@Injectable()
export class MasterKeyVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async fingerprintOf(version: number): Promise<string | null> {
    const row = await this.prisma.masterKeyVersion.findUnique({ where: { version } });
    return row?.fingerprint ?? null;
  }

  /**
   * The version number of a master key, registering it as the next version on first use. Safe when
   * several bindings are sealed at once with a new key (in one process or several): the insert
   * skips on conflict instead of failing the caller's transaction, then the row is read back.
   */
  async versionFor(fingerprint: string, tx: Tx = this.prisma): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = await tx.masterKeyVersion.findUnique({ where: { fingerprint } });
      if (known) return known.version;
      await tx.$executeRaw`
        INSERT INTO master_key_versions (version, fingerprint)
        SELECT COALESCE(MAX(version), 0) + 1, ${fingerprint} FROM master_key_versions
        ON CONFLICT DO NOTHING`;
    }
    throw new Error('could not register the master key version (concurrent key registrations)');
  }
}
