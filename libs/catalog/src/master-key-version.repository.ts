import { Injectable } from '@nestjs/common';
import { PrismaService, Tx } from './prisma.service';

@Injectable()
export class MasterKeyVersionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async fingerprintOf(version: number): Promise<string | null> {
    const row = await this.prisma.masterKeyVersion.findUnique({ where: { version } });
    return row?.fingerprint ?? null;
  }

  /** The version number of a master key, registering it as the next version on first use. */
  async versionFor(fingerprint: string, tx: Tx = this.prisma): Promise<number> {
    const known = await tx.masterKeyVersion.findUnique({ where: { fingerprint } });
    if (known) return known.version;
    const last = await tx.masterKeyVersion.aggregate({ _max: { version: true } });
    const created = await tx.masterKeyVersion.create({ data: { version: (last._max.version ?? 0) + 1, fingerprint } });
    return created.version;
  }
}
