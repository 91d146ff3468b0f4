import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CliResult, createStack, REPO_ROOT, runCli, Stack, TestEnv } from '@memtrace/testing';
import { API_KEY_RE, controlPlaneSnapshot, describeCli, expectedMask, linesOf, sha256, sql } from './admin-fixtures';

// Every command starts a fresh Node process that loads the whole service layer: be generous.
jest.setTimeout(300_000);

const ORG_ID_RE = /^org_[0-9a-f]{24}$/;
const SHORT_TIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const UNREACHABLE_DB = 'postgresql://postgres@127.0.0.1:1/memtrace_nowhere';

/**
 * The `memtrace` CLI as an operator runs it: a subprocess on the suite's own PostgreSQL database,
 * with no server running. Output lines, streams and exit codes follow upstream's CLI.
 */
describe('memtrace CLI', () => {
  let stack: Stack;
  let env: TestEnv;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const cli = (args: string[], extra: Record<string, string> = {}): CliResult => runCli(args, { ...env.env, ...extra });
  const json = (args: string[], extra: Record<string, string> = {}) => stack.cli(args, extra);
  const snapshot = () => controlPlaneSnapshot(env.env.DATABASE_URL);

  /** Asserts a success: exit 0, nothing on stderr; returns stdout's lines. */
  function succeeds(result: CliResult): string[] {
    if (result.code !== 0 || result.stderr !== '') throw new Error(`expected success, got ${describeCli(result)}`);
    return linesOf(result.stdout);
  }

  /** Asserts upstream's failure shape: exit 1, nothing on stdout, `error: …` first on stderr. */
  function fails(result: CliResult): string {
    if (result.code !== 1 || result.stdout !== '' || !result.stderr.startsWith('error: ')) {
      throw new Error(`expected exit 1 with "error: …" on stderr, got ${describeCli(result)}`);
    }
    return linesOf(result.stderr)[0];
  }

  const createOrg = (name = unique('org')): string => json(['org', 'create', name]).id;
  const addArc = (orgId: string, flags: string[] = []) => succeeds(cli(['org', 'add-arc', orgId, '--url', 'http://arc:8000', '--database', 'tenant_db', ...flags]));
  const apiKeyLine = (lines: string[]) => lines.map((line) => /^\s*api_key:\s+(.*)$/.exec(line)).find(Boolean)?.[1];

  beforeAll(async () => {
    stack = await createStack({ arc: false });
    env = stack.env;
  });

  afterAll(() => stack?.close());

  describe('keygen master', () => {
    it('prints a new standard-base64 key of 32 random bytes', () => {
      const keys = [cli(['keygen', 'master']), cli(['keygen', 'master'])].map((result) => {
        const lines = succeeds(result);
        expect(lines).toHaveLength(1);
        expect(result.stdout).toBe(`${lines[0]}\n`);
        return lines[0];
      });
      for (const key of keys) {
        expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        const bytes = Buffer.from(key, 'base64');
        expect(bytes).toHaveLength(32);
        expect(bytes.toString('base64')).toBe(key);
      }
      expect(keys[0]).not.toBe(keys[1]);
    });

    it('--json gives {key}', () => {
      const out = json(['keygen', 'master']);
      expect(Object.keys(out)).toEqual(['key']);
      expect(Buffer.from(out.key, 'base64')).toHaveLength(32);
    });
  });

  describe('org create, list, delete', () => {
    it('org list on an empty database prints only the header', () => {
      expect(cli(['org', 'list']).stdout).toBe(`${'ID'.padEnd(32)}${'NAME'.padEnd(30)}CREATED\n`);
      expect(json(['org', 'list'])).toEqual({ orgs: [], count: 0 });
    });

    it('org create prints "Organization created" with id: and name: lines; the name is trimmed', () => {
      const lines = succeeds(cli(['org', 'create', '  Acme Corp  ']));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('Organization created');
      const id = /^\s+id:\s+(\S+)$/.exec(lines[1])?.[1];
      expect(id).toMatch(ORG_ID_RE);
      expect(lines[2]).toMatch(/^\s+name:\s+Acme Corp$/);
      return sql(env.env.DATABASE_URL, 'SELECT name FROM organizations WHERE id = $1', [id]).then((rows) => expect(rows).toEqual([{ name: 'Acme Corp' }]));
    });

    it('a duplicate name fails with exit 1 and writes nothing', async () => {
      const name = unique('dup');
      createOrg(name);
      const before = await snapshot();
      expect(fails(cli(['org', 'create', name]))).toBe(`error: organization '${name}' already exists`);
      expect(fails(cli(['--json', 'org', 'create', ` ${name} `]))).toBe(`error: organization '${name}' already exists`);
      expect(await snapshot()).toEqual(before);
    });

    it('a blank or missing name fails with exit 1', async () => {
      const before = await snapshot();
      expect(fails(cli(['org', 'create', '   ']))).toMatch(/name is required/);
      expect(fails(cli(['org', 'create']))).toMatch(/missing required argument 'name'/);
      expect(await snapshot()).toEqual(before);
    });

    it('org list prints ID (32 wide), NAME (30 wide) and CREATED, oldest first; --json gives {orgs, count}', async () => {
      const first = createOrg(unique('first'));
      const second = createOrg(unique('second'));
      const lines = succeeds(cli(['org', 'list']));
      expect(lines[0]).toBe(`${'ID'.padEnd(32)}${'NAME'.padEnd(30)}CREATED`);
      const rows = lines.slice(1);
      const [{ n }] = await sql(env.env.DATABASE_URL, 'SELECT count(*)::int AS n FROM organizations');
      expect(rows).toHaveLength(n);
      const names = new Map((await sql(env.env.DATABASE_URL, 'SELECT id, name FROM organizations')).map((o) => [o.id, o.name]));
      for (const row of rows) {
        const id = row.slice(0, 32).trim();
        expect(row.slice(32, 62).trim()).toBe(names.get(id));
        expect(row.slice(62)).toMatch(SHORT_TIME_RE);
      }
      const ids = rows.map((row) => row.slice(0, 32).trim());
      expect(ids.indexOf(first)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(first)).toBeLessThan(ids.indexOf(second));

      const listed = json(['org', 'list']);
      expect(listed.count).toBe(n);
      expect(listed.orgs.map((o: { id: string }) => o.id)).toEqual(ids);
      expect(Object.keys(listed.orgs[0]).sort()).toEqual(['created_at', 'id', 'name']);
    });

    it('org delete --keep-memories removes the org with its keys and binding at once; unknown ids fail with exit 1', async () => {
      const org = createOrg(unique('doomed'));
      json(['key', 'create', '--org', org, '--name', 'k']);
      addArc(org, ['--api-key', 'doomed-token-123456']);
      await sql(env.env.DATABASE_URL, "INSERT INTO agents (id, org_id, name) VALUES ($1, $2, 'bot')", [`agent_${randomBytes(12).toString('hex')}`, org]);

      expect(cli(['org', 'delete', org, '--keep-memories'])).toEqual({ code: 0, stdout: `Organization ${org} deleted\n`, stderr: '' });
      expect(succeeds(cli(['org', 'list'])).join('\n')).not.toContain(org);
      for (const table of ['organizations', 'api_keys', 'store_bindings', 'agents']) {
        const column = table === 'organizations' ? 'id' : 'org_id';
        const [{ n }] = await sql(env.env.DATABASE_URL, `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [org]);
        expect({ table, n }).toEqual({ table, n: 0 });
      }
      expect(fails(cli(['org', 'delete', org]))).toBe(`error: org '${org}' not found`);
      expect(fails(cli(['org', 'delete', 'org_nope']))).toBe("error: org 'org_nope' not found");
      expect(fails(cli(['org', 'delete', 'bad id']))).toMatch(/invalid org id/);
      const other = createOrg();
      expect(json(['org', 'delete', other])).toEqual({ deleted: other });
    });

    it('org delete of an org with a store revokes its keys and leaves the org to the erasure of its memories', async () => {
      const org = createOrg(unique('erased'));
      json(['key', 'create', '--org', org, '--name', 'k']);
      addArc(org, ['--api-key', 'erased-token-123456']);
      const out = json(['org', 'delete', org]);
      expect(out).toMatchObject({ org_id: org, state: 'erasing', erasure: { kind: 'org', status: 'pending' } });
      const [{ n }] = await sql(env.env.DATABASE_URL, 'SELECT count(*)::int AS n FROM api_keys WHERE org_id = $1 AND revoked_at IS NULL', [org]);
      expect(n).toBe(0);
      expect(fails(cli(['org', 'delete', org]))).toBe(`error: org '${org}' is being deleted (erasure ${out.erasure.id})`);
      expect(cli(['org', 'delete', org, '--keep-memories'])).toMatchObject({ code: 0 });
    });

    it('records CLI mutations in the audit trail as cli:<user>', async () => {
      const org = createOrg();
      const events = await sql(env.env.DATABASE_URL, 'SELECT actor, action, outcome FROM audit_events WHERE org_id = $1', [org]);
      expect(events).toEqual([{ actor: `cli:${userInfo().username}`, action: 'org.create', outcome: 'ok' }]);
    });
  });

  describe('org add-arc, show-arc, remove-arc', () => {
    it('add-arc binds the org (url: and database: lines); show-arc masks the token', () => {
      const org = createOrg();
      const token = `arc-secret-${randomBytes(8).toString('hex')}`;
      const lines = succeeds(cli(['org', 'add-arc', org, '--url', 'http://arc:8000', '--database', 'tenant_db', '--api-key', token]));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe(`Arc instance bound to ${org}`);
      expect(lines[1]).toMatch(/^\s+url:\s+http:\/\/arc:8000$/);
      expect(lines[2]).toMatch(/^\s+database:\s+tenant_db$/);

      const shown = cli(['org', 'show-arc', org]);
      const shownLines = succeeds(shown);
      expect(apiKeyLine(shownLines)).toBe(expectedMask(token));
      expect(shownLines.some((line) => /^\s+url:\s+http:\/\/arc:8000$/.test(line))).toBe(true);
      expect(shownLines.some((line) => /^\s+database:\s+tenant_db$/.test(line))).toBe(true);
      expect(shownLines.some((line) => /^\s+measurement:\s+events$/.test(line))).toBe(true);
      expect(shown.stdout).not.toContain(token);
      expect(shownLines.some((line) => /warning/.test(line))).toBe(false);
    });

    it.each([
      ['no token', [], '(empty)'],
      ['an 8-character token', ['--api-key', 'abcdefgh'], '********'],
      ['a 9-character token', ['--api-key', 'abcdefghi'], 'abcd*fghi'],
    ])('show-arc masks %s as upstream did', (_name, flags, masked) => {
      const org = createOrg();
      addArc(org, flags);
      expect(apiKeyLine(succeeds(cli(['org', 'show-arc', org])))).toBe(masked);
    });

    it('a second add-arc fails with exit 1 and changes nothing; --replace replaces', async () => {
      const org = createOrg();
      addArc(org, ['--api-key', 'first-token-0123456789']);
      const before = await snapshot();
      const second = cli(['org', 'add-arc', org, '--url', 'http://other:8000', '--database', 'other', '--api-key', 'second-token-0123456789']);
      expect(fails(second)).toBe(`error: org '${org}' already has an arc instance configured`);
      expect(await snapshot()).toEqual(before);

      const token = 'third-token-abcdefghijkl';
      succeeds(cli(['org', 'add-arc', org, '--replace', '--url', 'http://arc2:8000', '--database', 'other', '--measurement', 'agent_events', '--api-key', token]));
      const shown = json(['org', 'show-arc', org]);
      expect(shown).toMatchObject({ org_id: org, kind: 'arc', url: 'http://arc2:8000', database: 'other', measurement: 'agent_events', token: expectedMask(token) });
      const [{ n }] = await sql(env.env.DATABASE_URL, 'SELECT count(*)::int AS n FROM store_bindings WHERE org_id = $1', [org]);
      expect(n).toBe(1);
    });

    it('without MEMTRACE_MASTER_KEY, add-arc --api-key fails, says how to make one, and writes nothing', async () => {
      const org = createOrg();
      const before = await snapshot();
      const result = cli(['org', 'add-arc', org, '--url', 'http://arc:8000', '--database', 'db', '--api-key', 'tok-0123456789'], { MEMTRACE_MASTER_KEY: '' });
      expect(fails(result)).toMatch(/MEMTRACE_MASTER_KEY/);
      expect(result.stderr).toContain('keygen master');
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['not base64', 'this is not a key!'],
      ['16 bytes', randomBytes(16).toString('base64')],
      ['base64url instead of base64', Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url')],
    ])('a malformed master key (%s) fails with exit 1 and writes nothing', async (_name, masterKey) => {
      const org = createOrg();
      const before = await snapshot();
      const result = cli(['org', 'add-arc', org, '--url', 'http://arc:8000', '--database', 'db', '--api-key', 'tok-0123456789'], { MEMTRACE_MASTER_KEY: masterKey });
      expect(fails(result)).toMatch(/^error: MEMTRACE_MASTER_KEY must be standard base64 of exactly 32 bytes/);
      expect(result.stderr).toContain('keygen master');
      expect(await snapshot()).toEqual(before);
    });

    it('add-arc refuses an unknown org, missing flags and bad values', async () => {
      const org = createOrg();
      const before = await snapshot();
      expect(fails(cli(['org', 'add-arc', 'org_nope', '--url', 'http://arc:8000', '--database', 'db']))).toMatch(/^error: org 'org_nope' not found; create it first/);
      expect(fails(cli(['org', 'add-arc', org, '--database', 'db']))).toMatch(/--url/);
      expect(fails(cli(['org', 'add-arc', org, '--url', 'http://arc:8000']))).toMatch(/--database/);
      expect(fails(cli(['org', 'add-arc', org, '--url', 'ftp://arc', '--database', 'db']))).toMatch(/http/);
      expect(fails(cli(['org', 'add-arc', org, '--url', 'http://arc:8000', '--database', '1db']))).toMatch(/database/);
      expect(fails(cli(['org', 'add-arc', org, '--url', 'http://arc:8000', '--database', 'db', '--measurement', 'a-b']))).toMatch(/measurement/);
      expect(await snapshot()).toEqual(before);
    });

    it('show-arc of an unbound org fails; remove-arc removes the binding and keeps the org', () => {
      const org = createOrg();
      expect(fails(cli(['org', 'show-arc', org]))).toBe(`error: no arc instance configured for ${org}`);
      addArc(org);
      expect(cli(['org', 'remove-arc', org])).toEqual({ code: 0, stdout: `Arc instance removed for ${org}\n`, stderr: '' });
      expect(fails(cli(['org', 'show-arc', org]))).toBe(`error: no arc instance configured for ${org}`);
      expect(fails(cli(['org', 'remove-arc', org]))).toBe(`error: no arc instance configured for ${org}`);
      expect(json(['org', 'list']).orgs.map((o: { id: string }) => o.id)).toContain(org);
    });

    it('--json: add-arc and show-arc give the binding with the token masked; remove-arc gives {removed}', () => {
      const org = createOrg();
      const token = `json-token-${randomBytes(6).toString('hex')}`;
      const result = cli(['--json', 'org', 'add-arc', org, '--url', 'http://arc:8000', '--database', 'db', '--api-key', token]);
      expect(result.stdout).not.toContain(token);
      const added = JSON.parse(result.stdout);
      const fields = { org_id: org, kind: 'arc', url: 'http://arc:8000', database: 'db', measurement: 'events', token: expectedMask(token), key_version: expect.any(Number) };
      expect(added).toMatchObject({ id: expect.stringMatching(/^bind_/), ...fields });
      const shown = json(['org', 'show-arc', org]);
      expect(shown).toMatchObject({ id: added.id, ...fields });
      expect(json(['org', 'remove-arc', org])).toEqual({ removed: org });
    });
  });

  describe('key create, list, revoke', () => {
    it('key create prints the upstream line and then the key (read,write by default)', async () => {
      const org = createOrg();
      const result = cli(['key', 'create', '--org', org, '--name', 'ci']);
      const lines = succeeds(result);
      expect(lines).toEqual(['API key created (shown only once — save it now):', expect.stringMatching(API_KEY_RE)]);
      expect(lines[1]).toHaveLength(48);
      const rows = await sql(env.env.DATABASE_URL, 'SELECT key_hash, scopes, revoked_at FROM api_keys WHERE org_id = $1', [org]);
      expect(rows).toEqual([{ key_hash: sha256(lines[1]), scopes: ['read', 'write'], revoked_at: null }]);
    });

    it('key list shows ID, NAME, PERMS, ENABLED and CREATED, never the key; revoked and expired keys show "no"', async () => {
      const org = createOrg();
      const kept = json(['key', 'create', '--org', org, '--name', 'kept', '--permissions', 'read,write,admin']);
      const revoked = json(['key', 'create', '--org', org, '--name', 'gone', '--permissions', 'read']);
      const expired = json(['key', 'create', '--org', org, '--name', 'old', '--permissions', 'write']);
      succeeds(cli(['key', 'revoke', String(revoked.id)]));
      await sql(env.env.DATABASE_URL, "UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);

      const result = cli(['key', 'list', '--org', org]);
      const lines = succeeds(result);
      expect(lines[0]).toMatch(/^ID\s+NAME\s+PERMS\s+ENABLED\s+CREATED$/);
      const rows = lines.slice(1).map((line) => line.trim().split(/\s+/));
      expect(rows.map((cells) => cells.slice(0, 4))).toEqual([
        [String(kept.id), 'kept', 'read,write,admin', 'yes'],
        [String(revoked.id), 'gone', 'read', 'no'],
        [String(expired.id), 'old', 'write', 'no'],
      ]);
      for (const cells of rows) expect(cells.slice(4).join(' ')).toMatch(SHORT_TIME_RE);
      for (const key of [kept.key, revoked.key, expired.key]) expect(result.stdout).not.toContain(key);

      const listed = json(['key', 'list', '--org', org]);
      expect(listed.count).toBe(3);
      expect(Object.keys(listed.keys[0]).sort()).toEqual(['created_at', 'expires_at', 'id', 'last_used_at', 'name', 'org_id', 'revoked_at', 'scopes']);
      expect(JSON.stringify(listed)).not.toMatch(/mtk_/);
      expect(fails(cli(['key', 'list', '--org', 'org_nope']))).toBe("error: org 'org_nope' not found");
    });

    it('key create refuses bad permissions, a duplicate name, an unknown org and a past expiry, writing nothing', async () => {
      const org = createOrg();
      const other = createOrg();
      json(['key', 'create', '--org', org, '--name', 'taken']);
      const before = await snapshot();
      expect(fails(cli(['key', 'create', '--org', org, '--name', 'k', '--permissions', 'read,fly']))).toMatch(/unknown scope\(s\): fly/);
      expect(fails(cli(['key', 'create', '--org', org, '--name', 'k', '--permissions', ',']))).toMatch(/at least one scope/);
      expect(fails(cli(['key', 'create', '--org', org, '--name', 'taken']))).toBe(`error: API key 'taken' already exists in org '${org}'`);
      expect(fails(cli(['key', 'create', '--org', 'org_nope', '--name', 'k']))).toBe("error: org 'org_nope' not found; create it first");
      expect(fails(cli(['key', 'create', '--org', org, '--name', 'k', '--expires-at', '2020-01-01T00:00:00Z']))).toMatch(/expires_at must be in the future/);
      expect(fails(cli(['key', 'create', '--org', org, '--name', 'k', '--expires-at', 'next week']))).toMatch(/expires_at/);
      expect(fails(cli(['key', 'create', '--org', org]))).toMatch(/--name/);
      expect(await snapshot()).toEqual(before);
      // The name is unique per org, not globally.
      expect(json(['key', 'create', '--org', other, '--name', 'taken'])).toMatchObject({ org_id: other, name: 'taken' });
    });

    it('--json key create gives the key row and the plaintext once', () => {
      const org = createOrg();
      const expiresAt = new Date(Date.now() + 86_400_000);
      expiresAt.setMilliseconds(0);
      const created = json(['key', 'create', '--org', org, '--name', 'svc', '--permissions', 'admin', '--expires-at', expiresAt.toISOString()]);
      expect(created).toEqual({
        id: expect.any(Number),
        org_id: org,
        name: 'svc',
        scopes: ['admin'],
        created_at: expect.any(String),
        expires_at: expiresAt.toISOString(),
        revoked_at: null,
        last_used_at: null,
        key: expect.stringMatching(API_KEY_RE),
      });
    });

    it('key revoke prints "Key <id> revoked"; unknown, repeated and malformed ids fail with exit 1', async () => {
      const org = createOrg();
      const created = json(['key', 'create', '--org', org, '--name', 'doomed']);
      expect(cli(['key', 'revoke', String(created.id)])).toEqual({ code: 0, stdout: `Key ${created.id} revoked\n`, stderr: '' });
      const [row] = await sql(env.env.DATABASE_URL, 'SELECT revoked_at FROM api_keys WHERE id = $1', [created.id]);
      expect(row.revoked_at).toBeInstanceOf(Date);
      expect(fails(cli(['key', 'revoke', String(created.id)]))).toBe('error: key not found');
      expect(fails(cli(['key', 'revoke', '999999']))).toBe('error: key not found');
      expect(fails(cli(['key', 'revoke', 'abc']))).toBe('error: key id must be a positive integer');
      expect(fails(cli(['key', 'revoke', '1.5']))).toBe('error: key id must be a positive integer');

      const another = json(['key', 'create', '--org', org, '--name', 'json-doomed']);
      const revoked = json(['key', 'revoke', String(another.id)]);
      expect(revoked).toMatchObject({ id: another.id, org_id: org, name: 'json-doomed', revoked_at: expect.any(String) });
      expect(revoked.key).toBeUndefined();
    });
  });

  describe('--help', () => {
    const commands = [
      [],
      ['serve'],
      ['keygen'],
      ['keygen', 'master'],
      ['org'],
      ['org', 'create'],
      ['org', 'list'],
      ['org', 'delete'],
      ['org', 'add-arc'],
      ['org', 'show-arc'],
      ['org', 'remove-arc'],
      ['key'],
      ['key', 'create'],
      ['key', 'list'],
      ['key', 'revoke'],
      ['master-key'],
      ['master-key', 'rotate'],
    ];
    const flags: Record<string, string[]> = {
      'org add-arc': ['--url', '--database', '--api-key', '--measurement', '--replace'],
      'key create': ['--org', '--name', '--permissions'],
      'key list': ['--org'],
      'master-key rotate': ['--new-key'],
      '': ['--json'],
    };

    // Help needs neither PostgreSQL nor Redis: both point nowhere here.
    it.each(commands.map((path) => [path.join(' ') || '(root)', path] as const))('memtrace %s --help', (_name, path) => {
      const result = cli([...path, '--help'], { DATABASE_URL: UNREACHABLE_DB, REDIS_URL: 'redis://127.0.0.1:1' });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^Usage: memtrace${path.length ? ` ${path.join(' ')}` : ''} `));
      for (const flag of flags[path.join(' ')] ?? []) expect(result.stdout).toContain(flag);
    });

    it('memtrace --version prints the version, as upstream did', () => {
      const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
      expect(cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    });
  });

  describe('faults', () => {
    it('works with Redis unreachable: the mutation succeeds and warns that servers were not notified', async () => {
      const org = createOrg();
      const created = json(['key', 'create', '--org', org, '--name', 'k']);
      const result = cli(['key', 'revoke', String(created.id)], { REDIS_URL: 'redis://127.0.0.1:1' });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Key ${created.id} revoked\n`);
      expect(result.stderr).toMatch(/^warning: .*Redis/m);
      const [row] = await sql(env.env.DATABASE_URL, 'SELECT revoked_at FROM api_keys WHERE id = $1', [created.id]);
      expect(row.revoked_at).toBeInstanceOf(Date);
    });

    it('with PostgreSQL unreachable, fails with exit 1 and a plain error, not driver internals', () => {
      const result = cli(['org', 'list'], { DATABASE_URL: UNREACHABLE_DB });
      expect(fails(result)).toMatch(/^error: /);
      expect(result.stderr).not.toMatch(/invocation|\.js:\d+|\/dist\//);
    });

    it('--json errors still go to stderr with exit 1', () => {
      expect(fails(cli(['--json', 'org', 'delete', 'org_nope']))).toBe("error: org 'org_nope' not found");
    });
  });

  // Last: rotation re-seals every binding of the database under a new key.
  describe('master-key rotate', () => {
    let org: string;
    let newKey: string;
    const token = `rotating-token-${randomBytes(8).toString('hex')}`;
    const oldKey = () => env.env.MEMTRACE_MASTER_KEY;

    beforeAll(() => {
      org = createOrg(unique('rotating'));
      addArc(org, ['--api-key', token]);
      newKey = linesOf(cli(['keygen', 'master']).stdout)[0];
    });

    it('refuses a malformed new key and changes nothing', async () => {
      const before = await snapshot();
      expect(fails(cli(['master-key', 'rotate', '--new-key', 'c2hvcnQ=']))).toMatch(/the new master key must be standard base64 of exactly 32 bytes/);
      expect(await snapshot()).toEqual(before);
    });

    it('re-seals every binding token under --new-key', async () => {
      const [{ n }] = await sql(env.env.DATABASE_URL, 'SELECT count(*)::int AS n FROM store_bindings WHERE token_cipher IS NOT NULL');
      const lines = succeeds(cli(['master-key', 'rotate', '--new-key', newKey]));
      const match = /^Master key rotated: (\d+) binding\(s\) re-encrypted/.exec(lines[0]);
      expect(match).not.toBeNull();
      expect(Number(match![1])).toBe(n);
      expect(n).toBeGreaterThan(1);
      const versions = await sql(env.env.DATABASE_URL, 'SELECT DISTINCT key_version FROM store_bindings WHERE token_cipher IS NOT NULL');
      expect(versions).toHaveLength(1);
    });

    it('show-arc works with the new key; with the old key it warns and shows no token', () => {
      const fresh = cli(['org', 'show-arc', org], { MEMTRACE_MASTER_KEY: newKey });
      const freshLines = succeeds(fresh);
      expect(apiKeyLine(freshLines)).toBe(expectedMask(token));
      expect(fresh.stdout).not.toMatch(/warning/);

      const stale = cli(['org', 'show-arc', org], { MEMTRACE_MASTER_KEY: oldKey() });
      const output = stale.stdout + stale.stderr;
      expect(output).toMatch(/^\s*warning:.*master key/m);
      expect(apiKeyLine(linesOf(stale.stdout))).not.toBe(expectedMask(token));
      expect(output).not.toContain(token);
    });

    it('--json gives {rotated, key_version}; without --new-key it re-seals under MEMTRACE_MASTER_KEY', () => {
      const result = json(['master-key', 'rotate'], { MEMTRACE_MASTER_KEY: newKey });
      expect(result).toEqual({ rotated: expect.any(Number), key_version: expect.any(Number) });
      expect(result.rotated).toBeGreaterThan(1);
      expect(apiKeyLine(succeeds(cli(['org', 'show-arc', org], { MEMTRACE_MASTER_KEY: newKey })))).toBe(expectedMask(token));
    });
  });
});
