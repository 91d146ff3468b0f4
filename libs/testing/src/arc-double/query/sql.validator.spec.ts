import { hasCrossDatabaseSyntax, headerDatabaseError, SqlValidationError, validateSql } from './sql.validator';

describe('Arc SQL validation', () => {
  it.each(['SELECT 1', "SELECT 'SET x' AS s", 'SELECT "set" FROM m', 'SELECT 1 /* COPY */;', 'SELECT offset_ms FROM m'])(
    'accepts %s',
    (sql) => expect(() => validateSql(sql)).not.toThrow(),
  );

  it.each([
    ['RESET threads', 'Dangerous SQL operation not allowed'],
    ['CALL pragma_version()', 'Dangerous SQL operation not allowed'],
    ['DROP /* x */ TABLE m', 'Dangerous SQL operation not allowed'],
    ['CREATE OR REPLACE SECRET s (TYPE s3)', 'Dangerous SQL operation not allowed'],
    ['SELECT 1;;SELECT 2', 'Multiple SQL statements are not allowed'],
    ['SELECT * FROM glob (\'*\')', 'File I/O function not allowed in user SQL: glob()'],
    ['SELECT * FROM iceberg_scan(1)', 'File I/O function not allowed in user SQL: iceberg_scan()'],
  ])('rejects %s', (sql, message) => {
    expect(() => validateSql(sql)).toThrow(new SqlValidationError(message));
  });

  it('checks the header database name', () => {
    expect(headerDatabaseError('')).toBeNull();
    expect(headerDatabaseError('tenant-1_a')).toBeNull();
    expect(headerDatabaseError("x'")).toMatch(/^invalid x-arc-database header: /);
    expect(headerDatabaseError('a'.repeat(129))).toBe('invalid x-arc-database header: name too long (max 128 characters)');
  });

  it('detects db.table after from/join the way Arc does (raw text, a space after the keyword)', () => {
    expect(hasCrossDatabaseSyntax('select * from db.m')).toBe(true);
    expect(hasCrossDatabaseSyntax('SELECT * FROM m JOIN  db.x ON 1=1')).toBe(true);
    expect(hasCrossDatabaseSyntax('SELECT m.v FROM m')).toBe(false);
  });
});
