// Prisma 6.19 CLI configuration for fully offline use (no native engine download): the JS schema
// engine through a pg driver adapter. Two adapter bugs are worked around here; see
// ../shared/toolchain.md "Prisma" for the error messages they prevent.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import Result from 'pg/lib/result.js';

// prisma/orm#27403: the schema engine reads pg_catalog columns of type "name" (oid 19) and
// "char" (oid 18), which adapter-pg cannot deserialize. Read them as text.
const addFields = (Result as any).prototype.addFields;
(Result as any).prototype.addFields = function (fields: Array<{ dataTypeID: number }>) {
  for (const f of fields) if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = 25;
  return addFields.call(this, fields);
};

function pgConfig(url: string, database?: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: database ?? u.pathname.slice(1),
  };
}

// adapter-pg 6.19 ignores the database name for the shadow database when given a connection
// string, and drops the shadow database while its pool is still open. Build it ourselves.
class MigratePg extends PrismaPg {
  constructor(private readonly url: string) {
    super(pgConfig(url));
  }
  async connectToShadowDb() {
    const main = await this.connect();
    const db = `prisma_shadow_${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
    await main.executeScript(`CREATE DATABASE "${db}"`);
    const shadow: any = await new PrismaPg(pgConfig(this.url, db)).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${db}"`);
      await main.dispose();
    };
    return shadow;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new MigratePg(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/memtrace'),
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
