import { CrossDatabaseReferenceError, rewriteTableReferences } from './sql.rewriter';

const source = (database: string, measurement: string) => `<${database}.${measurement}>`;
const rewrite = (sql: string, header = '') => rewriteTableReferences(sql, header, source);

describe('table reference rewrite', () => {
  it('resolves bare names in the header database or default', () => {
    expect(rewrite('SELECT * FROM cpu WHERE x = 1')).toBe('SELECT * FROM <default.cpu> WHERE x = 1');
    expect(rewrite('SELECT * FROM cpu c', 'tenant')).toBe('SELECT * FROM <tenant.cpu> c');
  });

  it('resolves db.measurement without a header and refuses it with one', () => {
    expect(rewrite('SELECT * FROM db1.cpu')).toBe('SELECT * FROM <db1.cpu>');
    expect(() => rewrite('SELECT * FROM "db1"."cpu"', 'tenant')).toThrow(CrossDatabaseReferenceError);
  });

  it('keeps join operators and rewrites every joined and comma-listed table', () => {
    expect(rewrite('SELECT * FROM a AS x, c y LEFT JOIN b ON x.k = b.k')).toBe(
      'SELECT * FROM <default.a> AS x, <default.c> y LEFT JOIN <default.b> ON x.k = b.k',
    );
  });

  it('rewrites inside subqueries but not CTE names, calls, system names or function bodies', () => {
    expect(rewrite('WITH r AS (SELECT * FROM cpu) SELECT * FROM r')).toBe('WITH r AS (SELECT * FROM <default.cpu>) SELECT * FROM r');
    expect(rewrite('SELECT * FROM range(3)')).toBe('SELECT * FROM range(3)');
    expect(rewrite('SELECT * FROM information_schema_tables')).toBe('SELECT * FROM information_schema_tables');
    expect(rewrite('SELECT EXTRACT(epoch FROM time) FROM cpu')).toBe('SELECT EXTRACT(epoch FROM time) FROM <default.cpu>');
    expect(rewrite('SELECT x FROM a WHERE k IN (SELECT k FROM b)')).toBe(
      'SELECT x FROM <default.a> WHERE k IN (SELECT k FROM <default.b>)',
    );
  });

  it('ignores FROM inside string literals and comments, and keeps case', () => {
    expect(rewrite("SELECT 'FROM x' AS s FROM Cpu -- FROM y")).toBe("SELECT 'FROM x' AS s FROM <default.Cpu> -- FROM y");
  });

  it('resolves quoted names and sends invalid ones to a name that has no data', () => {
    expect(rewrite('SELECT * FROM "my-m"')).toBe('SELECT * FROM <default.my-m>');
    expect(rewrite('SELECT * FROM "a/b"')).toBe('SELECT * FROM <default..arc-invalid-quoted-identifier>');
  });
});
